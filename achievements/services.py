"""Writes to the achievements of an evaluation: themes and indicators, saved together as one editor section through
:func:`evaluations.services.section_save` (row lock, workflow guard, stale-page check)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from evaluations.models import Evaluation, Section
from evaluations.rows import ROWS_DO_NOT_MATCH, create_new_rows, is_new_row_key, plan_rows, write_rows
from evaluations.scoring_schemes import scheme_for
from evaluations.services import section_save

from .models import Indicator, Theme
from .rules import assessment_error, shortfall_reason_error

THEME_FIELDS = ["title", "body"]
INDICATOR_FIELDS = [
    "theme_id",
    "level1",
    "level2",
    "name",
    "measure_unit",
    "direction",
    "target",
    "actual",
    "target_text",
    "actual_text",
    "weight",
    "deviation_reason",
    "ranking",
    "not_applicable",
    "qualitative_tier",
    "self_score",
    "score_reason",
]


def save_achievements(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    themes: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
) -> None:
    """Themes and indicators, each kept by id and numbered in the order given.

    ``themes``: dicts with ``id`` (None for a new theme), ``title``, ``body``, and for a new theme optionally the
    ``key`` indicators may name it by ("new:2"). ``indicators``: dicts with ``id`` (None for a new indicator), the
    indicator's fields and ``theme_id`` (a kept theme, the key of a new theme: it is created first, in the same
    transaction, or None).
    """
    # The rule holds for every path (import, shell), not only for the editor's form. The tiers are the scheme's the
    # sheet scores with; the scheme is read outside the lock, as the page read it, since it is not the unit's data.
    tiers = scheme_for(evaluation).tiers
    for row in indicators:
        error = shortfall_reason_error(
            name=row["name"],
            direction=row["direction"],
            target=row.get("target"),
            actual=row.get("actual"),
            reason=row.get("deviation_reason"),
        )
        if error is not None:
            raise error
        judged = assessment_error(
            direction=row["direction"],
            weight=row.get("weight"),
            not_applicable=bool(row.get("not_applicable")),
            tier=row.get("qualitative_tier"),
            score=row.get("self_score"),
            reason=row.get("score_reason"),
            tiers=tiers,
        )
        if judged is not None:
            raise judged[1]

    with section_save(evaluation=evaluation, section=Section.ACHIEVEMENTS, revision=revision, actor=actor) as locked:
        theme_writes = plan_rows(Theme, locked, themes, THEME_FIELDS)
        wanted = {row["theme_id"] for row in indicators if is_new_row_key(row.get("theme_id"))}
        new_ids = create_new_rows(theme_writes, themes, wanted)
        indicators = [{**row, "theme_id": new_ids.get(row.get("theme_id"), row.get("theme_id"))} for row in indicators]
        indicator_writes = plan_rows(Indicator, locked, indicators, INDICATOR_FIELDS)
        kept_themes = {row["id"] for row in themes if row.get("id") is not None} | set(new_ids.values())
        linked = {row["theme_id"] for row in indicators if row.get("theme_id") is not None}
        if not linked <= kept_themes:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
        # Indicators first, so that no indicator points at a theme about to be deleted.
        write_rows(indicator_writes)
        write_rows(theme_writes)
