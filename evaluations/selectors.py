"""Reads: which evaluations a person may see, fetched with their unit in one query."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from .models import Evaluation, Membership, Unit


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


def may_start_evaluation(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Who may start a unit's evaluation of a new year: its preparers and head, and administrators."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    membership = membership_of(user)
    return (
        membership is not None
        and membership.unit_id == unit.pk
        and membership.role in {Membership.Role.PREPARER, Membership.Role.HEAD}
    )


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
