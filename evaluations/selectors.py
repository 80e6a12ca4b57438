"""Reads: which evaluations a person may see, fetched with their unit in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from .models import Evaluation, Membership, StatusChange, Unit


def membership_of(user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def is_bureau(user: AbstractBaseUser | AnonymousUser) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Membership.Role.BUREAU


def role_in_unit(user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation) -> str | None:
    """The person's role in the evaluation's unit (preparer or head), or None if they do not work there."""
    membership = membership_of(user)
    if membership is None or membership.unit_id != evaluation.unit_id:
        return None
    return membership.role


def is_unit_staff(user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation) -> bool:
    return role_in_unit(user, evaluation) in {Membership.Role.PREPARER, Membership.Role.HEAD}


def evaluations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Evaluation]:
    """Administrators see everything; the finance bureau sees every report once it has been submitted; unit staff
    see their own unit's reports; everyone else sees nothing (public access goes through publication)."""
    evaluations = Evaluation.objects.select_related("unit")
    if not user.is_authenticated:
        return evaluations.none()
    if user.is_superuser:
        return evaluations
    membership = membership_of(user)
    if membership is None:
        return evaluations.none()
    if membership.role == Membership.Role.BUREAU:
        return evaluations.exclude(status=Evaluation.Status.DRAFT)
    return evaluations.filter(unit_id=membership.unit_id)


def get_evaluation_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Evaluation:
    """The evaluation, or 404 for anything outside the user's reach: other units' drafts do not exist for them."""
    try:
        return evaluations_visible_to(user).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404("No such evaluation") from None


def start_page(user: AbstractBaseUser | AnonymousUser) -> dict[str, Any]:
    """What each person's start page shows: first what waits for them, then everything they may see.

    - preparer: the unit's drafts and returned reports (with the reason it was returned), with their completeness;
    - head: the reports waiting for review, then the approved ones waiting to be published;
    - finance bureau and administrators: every unit × year with its state; the bureau sees a draft as 未提交,
      exactly as if there were no report, because drafts do not exist outside their unit.
    """
    from .completeness import completeness_for

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
    }
    if role in {Membership.Role.PREPARER, Membership.Role.HEAD}:
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
