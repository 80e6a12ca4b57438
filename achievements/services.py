"""Writes to the achievements of an evaluation: themes and indicators, saved together as one editor section through
:func:`evaluations.services.section_save` (row lock, workflow guard, stale-page check)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation
from evaluations.services import section_save

from .figures import is_shortfall
from .models import Indicator, Theme

ROWS_DO_NOT_MATCH = _("页面上的行与当前内容不符，请重新打开本页。")
SHORTFALL_WITHOUT_REASON = _("指标“%(name)s”未达到年度指标值，必须填写偏差原因分析及改进措施。")


def save_achievements(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    themes: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
) -> None:
    """Themes are kept by id (indicators point at them); indicators are replaced in the order given.

    ``themes``: dicts with ``id`` (None for a new theme), ``title``, ``body``. ``indicators``: dicts with the
    indicator's fields and ``theme_id`` (a kept theme, or None).
    """
    # The rule holds for every path (import, shell), not only for the editor's form.
    for row in indicators:
        probe = Indicator(direction=row["direction"], target=row.get("target"), actual=row.get("actual"))
        if is_shortfall(probe) and not (row.get("deviation_reason") or "").strip():
            raise ValidationError(SHORTFALL_WITHOUT_REASON, code="shortfall", params={"name": row["name"]})

    with section_save(evaluation=evaluation, section="achievements", revision=revision, actor=actor) as locked:
        existing = {theme.pk: theme for theme in Theme.objects.filter(evaluation=locked)}
        kept_ids = {row["id"] for row in themes if row.get("id") is not None}
        linked = {row["theme_id"] for row in indicators if row.get("theme_id") is not None}
        if not kept_ids <= set(existing) or not linked <= kept_ids:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")

        Indicator.objects.filter(evaluation=locked).delete()
        Theme.objects.filter(evaluation=locked).exclude(pk__in=kept_ids).delete()
        kept, created = [], []
        for order, row in enumerate(themes, start=1):
            if row.get("id") is None:
                created.append(Theme(evaluation=locked, order=order, title=row["title"], body=row["body"]))
                continue
            theme = existing[row["id"]]
            theme.order, theme.title, theme.body = order, row["title"], row["body"]
            kept.append(theme)
        if kept:
            Theme.objects.bulk_update(kept, ["order", "title", "body"])
        if created:
            Theme.objects.bulk_create(created)

        Indicator.objects.bulk_create(
            Indicator(evaluation=locked, order=order, **row) for order, row in enumerate(indicators, start=1)
        )
