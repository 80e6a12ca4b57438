"""Scoring schemes in the database: which scheme an evaluation is scored with, and the finance bureau's changes.

A scheme is data (:class:`evaluations.models.ScoringScheme`, its ``data`` being
:meth:`evaluations.scoring.SchemeSpec.to_data`). The shipped ones (:data:`evaluations.schemes.BUILTIN`) are written
by a migration and by :func:`ensure_builtin_schemes`, and read-only; a bureau copies one, edits the copy (each save
counts its ``version`` up) and chooses it for a region and year (:class:`~evaluations.models.SchemeAssignment`), as
it does with report outlines (:mod:`evaluations.outlines`). :func:`scheme_for` is what an evaluation is scored with;
:func:`chosen_scheme` the row behind it, so a publication can record the scheme's id and version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .campaigns import campaign_choice
from .models import Evaluation, SchemeAssignment, ScoringScheme, Unit
from .outlines import _best_assignment, chosen_ids, known_region, may_manage_outlines, place_params
from .schemes import BUILTIN, NATIONAL
from .scoring import SchemeSpec

DEFAULT = NATIONAL

BUILTIN_READ_ONLY = _("随系统提供的评分方案不能修改，请复制后修改副本。")
NAME_TAKEN = _("已有名为“%(name)s”的评分方案，请换一个名称。")
STALE = _("评分方案已被他人修改（现为第%(version)s版），请重新打开本页后再修改。")
ASSIGNMENT_TAKEN = _("%(region)s%(year)s已指定评分方案“%(scheme)s”，请先取消该条再重新指定。")
UNKNOWN_REGION = _("没有哪个预算单位属于地区“%(region)s”，请检查名称。")


# ---------------------------------------------------------------------------
# Which scheme
# ---------------------------------------------------------------------------
def ensure_builtin_schemes() -> dict[str, ScoringScheme]:
    """Write the shipped schemes to the database if they are not there yet; returns them by key."""
    found = {scheme.builtin: scheme for scheme in ScoringScheme.objects.exclude(builtin="")}
    with transaction.atomic():
        for key, spec in BUILTIN.items():
            if key not in found:
                found[key] = ScoringScheme.objects.create(
                    name=spec.name, description=spec.description, builtin=key, data=spec.to_data()
                )
    return found


def scheme_spec(scheme: ScoringScheme) -> SchemeSpec:
    """A stored scheme as the engine reads it (no query). The row's name and description are the ones shown;
    malformed data raises :class:`evaluations.scoring.InvalidScheme`."""
    spec = SchemeSpec.from_data(scheme.data)
    key = scheme.builtin or f"scheme-{scheme.pk}"
    return dataclasses.replace(spec, key=key, name=scheme.name, description=scheme.description)


def chosen_scheme(evaluation: Evaluation) -> ScoringScheme | None:
    """The scheme row an evaluation is scored with: its unit's own, else the one the campaign of its year chose (if
    the campaign covers the unit), else the bureau's choice for the unit's region and year (region and year, region,
    year, every region and year, in that order), else the shipped national scheme; ``None`` when the database holds
    none of them. One query for the unit's own; else the campaign's (shared with the outline's, see
    :func:`evaluations.campaigns.campaign_choice`), then one, two when no choice applies."""
    unit: Unit = evaluation.unit
    if unit.scoring_scheme_id is not None:
        return ScoringScheme.objects.get(pk=unit.scoring_scheme_id)
    campaign_scheme = campaign_choice(evaluation).scheme
    if campaign_scheme is not None:
        return campaign_scheme
    candidates = SchemeAssignment.objects.filter(
        Q(region=unit.region) | Q(region=""), Q(year=evaluation.year) | Q(year__isnull=True)
    ).select_related("scheme")
    best = _best_assignment(candidates, unit.region, evaluation.year)
    if best is not None:
        return best.scheme
    return ScoringScheme.objects.filter(builtin=DEFAULT).first()


def chosen_schemes(evaluations: Sequence[Evaluation]) -> dict[int, ScoringScheme | None]:
    """:func:`chosen_scheme` of many evaluations (with their units loaded), by primary key, in four queries at most
    whatever their number: the campaigns' choices, the bureau's, the rows chosen and the shipped national one."""
    if not evaluations:
        return {}
    wanted = chosen_ids(
        list(evaluations), own="scoring_scheme_id", assignments=SchemeAssignment.objects.all(), field="scheme"
    )
    rows = ScoringScheme.objects.filter(Q(pk__in={pk for pk in wanted.values() if pk}) | Q(builtin=DEFAULT))
    by_pk = {row.pk: row for row in rows}
    default = next((row for row in by_pk.values() if row.builtin == DEFAULT), None)
    return {pk: by_pk[scheme_id] if scheme_id else default for pk, scheme_id in wanted.items()}


def scheme_for(evaluation: Evaluation) -> SchemeSpec:
    """The scheme the evaluation is scored with (see :func:`chosen_scheme`); the national scheme as shipped when the
    database holds none."""
    chosen = chosen_scheme(evaluation)
    return scheme_spec(chosen) if chosen is not None else BUILTIN[DEFAULT]


# ---------------------------------------------------------------------------
# The finance bureau's changes
# ---------------------------------------------------------------------------
def may_manage_schemes(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The finance bureau chooses and edits the scoring schemes, and administrators; units are scored by them."""
    return may_manage_outlines(user)


def copy_scheme(scheme: ScoringScheme, *, name: str, description: str | None = None) -> ScoringScheme:
    """A new scheme with everything of ``scheme`` (structure, weights, rules, grades), under a new name, at version
    1. The copy is the bureau's own: not shipped, so it can be edited."""
    name = name.strip()
    description = scheme.description if description is None else description
    with transaction.atomic():
        if ScoringScheme.objects.filter(name=name).exists():
            raise ValidationError(NAME_TAKEN, code="name_taken", params={"name": name})
        spec = dataclasses.replace(scheme_spec(scheme), key="", name=name, description=description)
        return ScoringScheme.objects.create(name=name, description=description, data=spec.to_data())


def save_scheme(*, scheme: ScoringScheme, spec: SchemeSpec, version: int) -> ScoringScheme:
    """Store an edited scheme and count its version up. ``version`` is the one the page was opened at.

    Refused, with nothing stored: a shipped scheme, a page opened before another save, a name another scheme has,
    and a scheme :meth:`~evaluations.scoring.SchemeSpec.validate` finds problems with (all of them, in Chinese)."""
    with transaction.atomic():
        locked = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.builtin:
            raise ValidationError(BUILTIN_READ_ONLY, code="builtin")
        if locked.version != version:
            raise ValidationError(STALE, code="stale", params={"version": locked.version})
        name = spec.name.strip()
        errors = []
        if ScoringScheme.objects.filter(name=name).exclude(pk=locked.pk).exists():
            errors.append(ValidationError(NAME_TAKEN, code="name_taken", params={"name": name}))
        errors += [ValidationError(problem, code="invalid") for problem in spec.validate()]
        if errors:
            raise ValidationError(errors)
        locked.name, locked.description = name, spec.description
        locked.data = dataclasses.replace(spec, key="", name=name).to_data()
        locked.version += 1
        locked.save(update_fields=["name", "description", "data", "version", "updated_at"])
    return locked


def assign_scheme(*, scheme: ScoringScheme, region: str, year: int | None) -> SchemeAssignment:
    """The bureau's choice: ``scheme`` for the units of ``region`` (blank: every region) in ``year`` (None: every
    year). One choice per region and year; a region no unit belongs to is refused, since it would apply to nobody.
    A scheme that does not validate is refused too: nobody could be scored with it."""
    region = known_region(region)
    with transaction.atomic():
        problems = scheme_spec(scheme).validate()
        if problems:
            raise ValidationError([ValidationError(problem, code="invalid") for problem in problems])
        existing = SchemeAssignment.objects.filter(region=region, year=year).select_related("scheme").first()
        if existing is not None:
            raise ValidationError(
                ASSIGNMENT_TAKEN,
                code="assignment_taken",
                params={**place_params(region, year), "scheme": existing.scheme.name},
            )
        return SchemeAssignment.objects.create(scheme=scheme, region=region, year=year)
