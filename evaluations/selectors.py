"""Reads: which evaluations a person may see, fetched with their unit in one query."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from .departments import descendant_ids
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


def is_department_head_of(user: AbstractBaseUser | AnonymousUser, evaluation: Evaluation) -> bool:
    """Whether the person is the head of the evaluation's unit's department (主管部门), the one who reviews it."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Membership.Role.HEAD
        and evaluation.unit.parent_id is not None
        and membership.unit_id == evaluation.unit.parent_id
    )


def evaluations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Evaluation]:
    """Administrators see everything; the finance bureau sees every report once it has been submitted; unit staff
    see their own unit's reports; the head of a department (主管部门) also sees the reports of every unit under it,
    at any depth, once submitted, like the bureau; everyone else sees nothing (public access goes through
    publication). Seeing is not editing: content changes are for the unit's own staff (services.may_edit_content)."""
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
    own = Q(unit_id=membership.unit_id)
    if membership.role == Membership.Role.HEAD:
        # The units under the department, as a subquery: one query whatever the depth of the tree.
        under = Q(unit_id__in=descendant_ids(membership.unit_id)) & ~Q(status=Evaluation.Status.DRAFT)
        return evaluations.filter(own | under)
    return evaluations.filter(own)


def get_evaluation_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Evaluation:
    """The evaluation, or 404 for anything outside the user's reach: other units' drafts do not exist for them."""
    try:
        return evaluations_visible_to(user).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404("No such evaluation") from None
