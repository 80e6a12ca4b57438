from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The top layer: whatever combines the evaluation with its budgets and achievements (the report, its rendering
    and publication, the workflow, completeness, proofreading, the diff, Excel in and out, and the pages)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("绩效自评报告")
