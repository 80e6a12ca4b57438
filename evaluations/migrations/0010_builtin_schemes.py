"""The scoring schemes that ship with the app (evaluations.schemes.BUILTIN), written once; a scheme already there is
left alone."""

from django.db import migrations


def write_builtin_schemes(apps, schema_editor):
    from evaluations.schemes import BUILTIN

    scheme_model = apps.get_model("evaluations", "ScoringScheme")
    present = set(scheme_model.objects.exclude(builtin="").values_list("builtin", flat=True))
    for key, spec in BUILTIN.items():
        if key not in present:
            scheme_model.objects.create(name=spec.name, description=spec.description, builtin=key, data=spec.to_data())


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0009_scoring_schemes")]

    operations = [migrations.RunPython(write_builtin_schemes, migrations.RunPython.noop)]
