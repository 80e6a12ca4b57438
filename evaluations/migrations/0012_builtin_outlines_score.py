"""The shipped outlines gain their 自评得分情况 heading (issue 10): the Hunan outline's as the first subheading of
部门整体支出绩效情况, the plain outline's as a top-level heading after 绩效情况. Only the shipped rows that lack one;
a bureau's copies are its own and stay as they are. The seed's outline keeps its six headings: its report prints the
score at the head of the 自评表 section instead."""

from django.db import migrations

SCORE = "score"
TITLE = "自评得分情况"
# (shipped outline, heading the new one goes under or after, as a child or as the next sibling, its numbering)
PLACES = (("hunan", "performance", "child", "chinese_paren"), ("plain", "performance", "after", "chinese"))


def add_score_headings(apps, schema_editor):
    outline_model = apps.get_model("evaluations", "ReportOutline")
    node_model = apps.get_model("evaluations", "OutlineNode")
    for builtin, anchor_key, where, numbering in PLACES:
        outline = outline_model.objects.filter(builtin=builtin).first()
        if outline is None:
            continue
        nodes = node_model.objects.filter(outline=outline)
        if nodes.filter(block=SCORE).exists() or nodes.filter(key=SCORE).exists():
            continue
        anchor = nodes.filter(key=anchor_key, parent__isnull=True).first()
        if where == "child" and anchor is not None:
            parent, order = anchor, 1
        elif anchor is not None:
            parent, order = None, anchor.order + 1
        else:
            parent, order = None, (max(nodes.filter(parent__isnull=True).values_list("order", flat=True), default=0) + 1)
        siblings = nodes.filter(parent=parent, order__gte=order)
        for sibling in siblings.order_by("-order"):
            sibling.order += 1
            sibling.save(update_fields=["order"])
        node_model.objects.create(
            outline=outline,
            parent=parent,
            order=order,
            key=SCORE,
            title=TITLE,
            numbering=numbering,
            block=SCORE,
            required=False,
            item_numbering="chinese_paren",
            items_inline=False,
        )


def remove_score_headings(apps, schema_editor):
    outline_model = apps.get_model("evaluations", "ReportOutline")
    node_model = apps.get_model("evaluations", "OutlineNode")
    for builtin, *_ in PLACES:
        for node in node_model.objects.filter(outline__builtin=builtin, key=SCORE, block=SCORE):
            later = node_model.objects.filter(outline=node.outline, parent=node.parent, order__gt=node.order)
            node.delete()
            for sibling in later.order_by("order"):
                sibling.order -= 1
                sibling.save(update_fields=["order"])


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0011_publication_score_and_leaf_assessments")]

    operations = [migrations.RunPython(add_score_headings, remove_score_headings)]
