import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from evaluations.campaigns import deadlines_for_unit
from evaluations.models import Campaign, Evaluation, Membership, StatusChange, Unit
from evaluations.selectors import evaluations_visible_to, membership_of

from ..completeness import completeness_for
from ..departments import department_of


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
    - head: the reports waiting for review, then the approved ones waiting to be published; the head of a
      department (主管部门) also the units' approved reports waiting for the department's review, a link to the
      department's summary, and the units' reports (once submitted) among everything they may see;
    - finance bureau and administrators: every unit × year with its state; the bureau sees a draft as 未提交,
      exactly as if there were no report, because drafts do not exist outside their unit.
    """
    membership = membership_of(user)
    role = "admin" if user.is_superuser else (membership.role if membership else None)
    evaluations = list(evaluations_visible_to(user).order_by("-year", "unit__name"))
    waiting_statuses = {
        Membership.Role.PREPARER: [Evaluation.Status.DRAFT, Evaluation.Status.RETURNED],
        Membership.Role.HEAD: [
            Evaluation.Status.SUBMITTED,
            Evaluation.Status.APPROVED,
            Evaluation.Status.DEPT_APPROVED,
        ],
        Membership.Role.BUREAU: [Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED],
        "admin": [Evaluation.Status.APPROVED],
    }.get(role, [])
    own_unit_id = membership.unit_id if membership else None
    waiting = [
        evaluation
        for evaluation in evaluations
        if evaluation.status in waiting_statuses and (role != Membership.Role.HEAD or evaluation.unit_id == own_unit_id)
    ]
    department = department_of(user) if role == Membership.Role.HEAD else None
    if department is not None:
        waiting += _awaiting_department(department, evaluations)
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
        "department": department,
    }
    if role in {Membership.Role.PREPARER, Membership.Role.HEAD}:
        # Their own unit's reports: a department's head also sees its units' reports, which have other deadlines.
        own = [evaluation for evaluation in evaluations if evaluation.unit_id == own_unit_id]
        statuses = {evaluation.year: evaluation.status for evaluation in own}
        context["deadlines"] = deadlines_for_unit(membership.unit_id, statuses, _today())
        context["completeness"] = completeness_for(own)
        for evaluation in evaluations:
            evaluation.completeness = context["completeness"].get(evaluation.pk)
    if role in {Membership.Role.BUREAU, "admin"}:
        context["grid"] = _unit_year_grid(evaluations)
    return context


def _awaiting_department(department: Unit, evaluations: list[Evaluation]) -> list[Evaluation]:
    """The department's own units' approved reports whose year's campaign asks for its review (one query)."""
    required = set(
        Campaign.objects.filter(requires_department_review=True, coverage__unit__parent_id=department.pk).values_list(
            "year", "coverage__unit_id"
        )
    )
    return [
        evaluation
        for evaluation in evaluations
        if evaluation.unit.parent_id == department.pk
        and evaluation.status == Evaluation.Status.APPROVED
        and (evaluation.year, evaluation.unit_id) in required
    ]


def _unit_year_grid(evaluations: list[Evaluation]) -> dict[str, Any]:
    """Rows of units, columns of years (newest first), each cell the visible evaluation or None (one query)."""
    by_cell = {(evaluation.unit_id, evaluation.year): evaluation for evaluation in evaluations}
    years = sorted({evaluation.year for evaluation in evaluations}, reverse=True)
    rows = [
        {"unit": unit, "cells": [by_cell.get((unit.pk, year)) for year in years]}
        for unit in Unit.objects.order_by("name")
    ]
    return {"years": years, "rows": rows}
