"""Rows written before the content history existed get one "+" record each, as they stood when history began, so
that their first recorded change has something to compare with."""

from django.db import migrations
from django.utils import timezone

CONTENT_MODELS = [
    ("evaluations", "Evaluation"),
    ("evaluations", "Duty"),
    ("evaluations", "Office"),
    ("evaluations", "StaffingLine"),
    ("budgets", "BasicSpending"),
    ("budgets", "FundSource"),
    ("budgets", "ProjectItem"),
    ("budgets", "BudgetExecution"),
    ("achievements", "Theme"),
    ("achievements", "Indicator"),
]


def backfill(apps, schema_editor):
    now = timezone.now()
    for app_label, name in CONTENT_MODELS:
        model = apps.get_model(app_label, name)
        historical = apps.get_model(app_label, f"Historical{name}")
        tracked = {f.attname for f in historical._meta.concrete_fields}
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in tracked]
        recorded = set(historical.objects.values_list("id", flat=True).distinct())
        batch = []
        for row in model.objects.order_by("pk").iterator(chunk_size=2000):
            if row.pk in recorded:
                continue
            batch.append(
                historical(
                    history_date=now,
                    history_type="+",
                    history_via="service",
                    history_change_reason="history began",
                    **{attname: getattr(row, attname) for attname in fields},
                )
            )
            if len(batch) >= 500:
                historical.objects.bulk_create(batch)
                batch = []
        historical.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0004_content_history"),
        ("budgets", "0002_content_history"),
        ("achievements", "0002_content_history"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
