"""The outlines that ship with the app (evaluations.outlines.BUILTIN), written once; an outline a bureau has edited
since is left alone."""

from django.db import migrations


def write_builtin_outlines(apps, schema_editor):
    from evaluations.outlines import BUILTIN

    outline_model = apps.get_model("evaluations", "ReportOutline")
    node_model = apps.get_model("evaluations", "OutlineNode")
    present = set(outline_model.objects.exclude(builtin="").values_list("builtin", flat=True))

    def write(outline, nodes, parent):
        for order, spec in enumerate(nodes, start=1):
            node = node_model.objects.create(
                outline=outline,
                parent=parent,
                order=order,
                key=spec.key,
                title=spec.title,
                numbering=spec.numbering,
                block=spec.block,
                required=spec.required,
                item_numbering=spec.item_numbering,
                items_inline=spec.items_inline,
            )
            write(outline, spec.children, node)

    for key, spec in BUILTIN.items():
        if key in present:
            continue
        outline = outline_model.objects.create(name=spec.name, description=spec.description, builtin=key)
        write(outline, spec.nodes, None)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0005_whole_report_data")]

    operations = [migrations.RunPython(write_builtin_outlines, migrations.RunPython.noop)]
