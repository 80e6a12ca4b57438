import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from evaluations.campaigns import deadlines_for_unit
from evaluations.models import Evaluation, Membership, StatusChange, Unit
from evaluations.selectors import evaluations_visible_to, membership_of

from ..completeness import completeness_for


def _today() -> datetime.date:
    # One clock for the start page, so a test can move it.
    return timezone.localdate()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: what waits for this person first, then everything they may see."""
    return render(request, "evaluations/home.html", _start_page(request.user))


def _start_page(user: AbstractBaseUser | AnonymousUser) -> dict[str, Any]:
    """What each person's start page shows: first what waits for them, then everything they may see.

    - preparer: the unit's drafts and returned reports (with the reason it was returned), with their completeness;
    - preparer and head: the deadline of each open campaign (绩效自评工作) covering their unit, the days left, and
      已逾期 when it has passed and the report is not submitted; nothing when no campaign covers them;
    - head: the reports waiting for review, then the approved ones waiting to be published;
    - finance bureau and administrators: every unit × year with its state; the bureau sees a draft as 未提交,
      exactly as if there were no report, because drafts do not exist outside their unit.
    """
    membership = membership_of(user)
    role = "admin" if user.is_superuser else (membership.role if membership else None)
    evaluations = list(evaluations_visible_to(user).order_by("-year", "unit__name"))
    waiting_statuses = {
        Membership.Role.PREPARER: [Evaluation.Status.DRAFT, Evaluation.Status.RETURNED],
        Membership.Role.HEAD: [Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED],
        Membership.Role.BUREAU: [Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED],
        "admin": [Evaluation.Status.APPROVED],
    }.get(role, [])
    waiting = [evaluation for evaluation in evaluations if evaluation.status in waiting_statuses]
    # The newest return of each returned report: what the preparer has to address (one query).
    returned_ids = [e.pk for e in evaluations if e.status == Evaluation.Status.RETURNED]
    reasons: dict[int, StatusChange] = {}
    for change in StatusChange.objects.filter(
        evaluation_id__in=returned_ids, to_status=Evaluation.Status.RETURNED
    ).order_by("at", "id"):
        reasons[change.evaluation_id] = change
    for evaluation in evaluations:
        evaluation.return_reason = reasons.get(evaluation.pk)

    context: dict[str, Any] = {
        "role": role,
        "membership": membership,
        "evaluations": evaluations,
        "waiting": waiting,
        "completeness": {},
        "grid": None,
        "deadlines": [],
    }
    if role in {Membership.Role.PREPARER, Membership.Role.HEAD}:
        statuses = {evaluation.year: evaluation.status for evaluation in evaluations}
        context["deadlines"] = deadlines_for_unit(membership.unit_id, statuses, _today())
        context["completeness"] = completeness_for(evaluations)
        for evaluation in evaluations:
            evaluation.completeness = context["completeness"].get(evaluation.pk)
    if role in {Membership.Role.BUREAU, "admin"}:
        context["grid"] = _unit_year_grid(evaluations)
    return context


def _unit_year_grid(evaluations: list[Evaluation]) -> dict[str, Any]:
    """Rows of units, columns of years (newest first), each cell the visible evaluation or None (one query)."""
    by_cell = {(evaluation.unit_id, evaluation.year): evaluation for evaluation in evaluations}
    years = sorted({evaluation.year for evaluation in evaluations}, reverse=True)
    rows = [
        {"unit": unit, "cells": [by_cell.get((unit.pk, year)) for year in years]}
        for unit in Unit.objects.order_by("name")
    ]
    return {"years": years, "rows": rows}
