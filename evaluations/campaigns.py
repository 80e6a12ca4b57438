"""The finance bureau's self-evaluation work of a year (绩效自评工作): opening and changing it, what each covered unit
has done by the deadline, and the reminders to those that have not submitted.

A campaign chooses the outline and scoring scheme of its units for its year (:func:`campaign_choice`, read by
:func:`evaluations.outlines.chosen_outline` and :func:`evaluations.scoring_schemes.chosen_scheme`); a unit's own
choice still wins.

Dates are the bureau's calendar dates (``timezone.localdate``); every function that depends on "today" takes it as
an argument, so tests and the reminder command decide what day it is.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import notifications
from .models import Campaign, CampaignUnit, Evaluation, Membership, Reminder, ReportOutline, ScoringScheme, Unit

logger = logging.getLogger(__name__)

YEAR_TAKEN = _("%(year)s年度的绩效自评工作已经发起，请修改它。")
NO_UNITS = _("请至少选择一个预算单位。")
DEADLINE_IN_YEAR = _("截止日期应在%(year)s年度结束之后（自评在次年进行）。")
DEADLINE_PAST = _("截止日期不能早于今天（%(today)s）。")
CLOSED = _("该年度的绩效自评工作已经结束，不能再修改。")

# States of a covered unit on the bureau's page. "not_started": no evaluation of the year yet.
NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: _("未开始"),
    Evaluation.Status.DRAFT: Evaluation.Status.DRAFT.label,
    Evaluation.Status.RETURNED: Evaluation.Status.RETURNED.label,
    Evaluation.Status.SUBMITTED: Evaluation.Status.SUBMITTED.label,
    Evaluation.Status.APPROVED: Evaluation.Status.APPROVED.label,
    Evaluation.Status.DEPT_APPROVED: Evaluation.Status.DEPT_APPROVED.label,
    Evaluation.Status.PUBLISHING: Evaluation.Status.PUBLISHING.label,
    Evaluation.Status.PUBLISHED: Evaluation.Status.PUBLISHED.label,
}
# Not submitted: what is overdue after the deadline and what the reminders go to.
NOT_SUBMITTED = (NOT_STARTED, Evaluation.Status.DRAFT, Evaluation.Status.RETURNED)
OVERDUE = "overdue"


# ---------------------------------------------------------------------------
# Which outline and scheme a campaign chooses for an evaluation
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignChoice:
    outline: ReportOutline | None = None
    scheme: ScoringScheme | None = None


NO_CHOICE = CampaignChoice()


def campaign_choice(evaluation: Evaluation) -> CampaignChoice:
    """The outline and scheme the campaign of the evaluation's year chooses for it, if the campaign covers its
    unit. One query, remembered on the evaluation object: a page that asks for both its outline and its scheme pays
    once."""
    cached = getattr(evaluation, "_campaign_choice", None)
    if cached is not None:
        return cached
    campaign = (
        Campaign.objects.filter(year=evaluation.year, coverage__unit_id=evaluation.unit_id)
        .select_related("outline", "scheme")
        .first()
    )
    choice = CampaignChoice(campaign.outline, campaign.scheme) if campaign is not None else NO_CHOICE
    evaluation._campaign_choice = choice
    return choice


# ---------------------------------------------------------------------------
# Opening and changing a campaign
# ---------------------------------------------------------------------------
def _check(*, year: int, deadline: datetime.date, unit_ids: set[int], today: datetime.date, new_deadline: bool):
    errors: dict[str, list[ValidationError]] = {}
    if deadline.year <= year:
        errors.setdefault("deadline", []).append(
            ValidationError(DEADLINE_IN_YEAR, code="deadline_in_year", params={"year": year})
        )
    elif new_deadline and deadline < today:
        errors.setdefault("deadline", []).append(
            ValidationError(DEADLINE_PAST, code="deadline_past", params={"today": today.isoformat()})
        )
    if not unit_ids:
        errors.setdefault("units", []).append(ValidationError(NO_UNITS, code="no_units"))
    if errors:
        raise ValidationError(errors)


def open_campaign(
    *,
    actor: AbstractBaseUser,
    year: int,
    deadline: datetime.date,
    units: Iterable[Unit | int],
    outline: ReportOutline | None = None,
    scheme: ScoringScheme | None = None,
    remind_days_before: int = 3,
    requires_department_review: bool = False,
    today: datetime.date | None = None,
) -> Campaign:
    """Open the self-evaluation work of ``year``. Refused, with nothing written: a year that has one already, a
    deadline inside the year evaluated or before today, no unit."""
    today = today or timezone.localdate()
    unit_ids = {getattr(unit, "pk", unit) for unit in units}
    _check(year=year, deadline=deadline, unit_ids=unit_ids, today=today, new_deadline=True)
    taken = ValidationError({"year": [ValidationError(YEAR_TAKEN, code="year_taken", params={"year": year})]})
    if Campaign.objects.filter(year=year).exists():
        raise taken
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                year=year,
                deadline=deadline,
                outline=outline,
                scheme=scheme,
                remind_days_before=remind_days_before,
                requires_department_review=requires_department_review,
                opened_by=actor,
                opened_at=timezone.now(),
            )
            CampaignUnit.objects.bulk_create(
                [CampaignUnit(campaign=campaign, unit_id=unit_id) for unit_id in sorted(unit_ids)]
            )
    except IntegrityError:
        # A second bureau member opened the same year at the same moment: the unique year refused this one.
        if Campaign.objects.filter(year=year).exists():
            raise taken from None
        raise
    return campaign


def change_campaign(
    *,
    campaign: Campaign,
    actor: AbstractBaseUser,
    deadline: datetime.date,
    units: Iterable[Unit | int],
    outline: ReportOutline | None,
    scheme: ScoringScheme | None,
    remind_days_before: int,
    requires_department_review: bool = False,
    today: datetime.date | None = None,
) -> Campaign:
    """Change an open campaign: its deadline, outline, scheme, reminder lead and covered units. Refused as
    :func:`open_campaign` (a deadline before today only when the deadline is being moved) and for a closed one.
    Reminders already sent stay recorded; a moved deadline does not send the same step again."""
    today = today or timezone.localdate()
    unit_ids = {getattr(unit, "pk", unit) for unit in units}
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open:
            raise ValidationError(CLOSED, code="closed")
        _check(
            year=locked.year,
            deadline=deadline,
            unit_ids=unit_ids,
            today=today,
            new_deadline=deadline != locked.deadline,
        )
        locked.deadline, locked.outline, locked.scheme = deadline, outline, scheme
        locked.remind_days_before = remind_days_before
        locked.requires_department_review = requires_department_review
        locked.changed_by, locked.changed_at = actor, timezone.now()
        locked.save(
            update_fields=[
                "deadline",
                "outline",
                "scheme",
                "remind_days_before",
                "requires_department_review",
                "changed_by",
                "changed_at",
            ]
        )
        covered = set(locked.coverage.values_list("unit_id", flat=True))
        locked.coverage.filter(unit_id__in=covered - unit_ids).delete()
        CampaignUnit.objects.bulk_create(
            [CampaignUnit(campaign=locked, unit_id=unit_id) for unit_id in sorted(unit_ids - covered)]
        )
    return locked


def close_campaign(*, campaign: Campaign, actor: AbstractBaseUser) -> Campaign:
    """End a campaign: no more reminders, no more changes. Its outline and scheme stay its units' for the year."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open:
            raise ValidationError(CLOSED, code="closed")
        now = timezone.now()
        locked.closed_at, locked.changed_by, locked.changed_at = now, actor, now
        locked.save(update_fields=["closed_at", "changed_by", "changed_at"])
    return locked


# ---------------------------------------------------------------------------
# Where each covered unit stands
# ---------------------------------------------------------------------------
def is_overdue(state: str, deadline: datetime.date, today: datetime.date) -> bool:
    """逾期: past the deadline and not submitted (a returned report counts as not submitted)."""
    return today > deadline and state in NOT_SUBMITTED


def days_left(deadline: datetime.date, today: datetime.date) -> int:
    return (deadline - today).days


def unit_rows(campaign: Campaign, *, today: datetime.date, state: str = "") -> QuerySet[CampaignUnit]:
    """The covered units with their state (``state``: a :data:`STATE_LABELS` key), their evaluation's id and the
    time of each reminder, as one query whatever the number of units; ``state`` filters (or "overdue"). Ordered by
    unit name, for paging."""
    evaluation = Evaluation.objects.filter(unit_id=OuterRef("unit_id"), year=campaign.year)
    reminders = Reminder.objects.filter(campaign_id=campaign.pk, unit_id=OuterRef("unit_id"))
    rows = (
        campaign.coverage.select_related("unit")
        .annotate(
            state=Coalesce(Subquery(evaluation.values("status")[:1]), Value(NOT_STARTED), output_field=CharField()),
            evaluation_id=Subquery(evaluation.values("pk")[:1]),
            reminded_before=Subquery(reminders.filter(step=Reminder.Step.BEFORE).values("sent_at")[:1]),
            reminded_overdue=Subquery(reminders.filter(step=Reminder.Step.OVERDUE).values("sent_at")[:1]),
        )
        .order_by("unit__name", "unit_id")
    )
    if state == OVERDUE:
        rows = rows.filter(state__in=NOT_SUBMITTED) if today > campaign.deadline else rows.none()
    elif state:
        rows = rows.filter(state=state)
    return rows


def label_rows(
    rows: Iterable[CampaignUnit], campaign: Campaign, today: datetime.date, *, sees_drafts: bool
) -> list[CampaignUnit]:
    """The rows of :func:`unit_rows` with their state's label, the 逾期 flag and whether the reader may open the
    report (no query): the bureau sees no draft, since drafts do not exist outside their unit; administrators
    (``sees_drafts``) see every report."""
    labelled = list(rows)
    for row in labelled:
        row.state_label = STATE_LABELS.get(row.state, row.state)
        row.overdue = is_overdue(row.state, campaign.deadline, today)
        row.may_open = row.evaluation_id is not None and (sees_drafts or row.state != Evaluation.Status.DRAFT)
    return labelled


def state_counts(campaign: Campaign, *, today: datetime.date) -> dict[str, int]:
    """How many covered units are in each state, with "" (every unit) and "overdue" (one query)."""
    found = dict(unit_rows(campaign, today=today).order_by().values_list("state").annotate(n=Count("id")))
    counts = {"": sum(found.values()), **{state: found.get(state, 0) for state in STATE_LABELS}}
    counts[OVERDUE] = sum(found[state] for state in NOT_SUBMITTED if state in found) if today > campaign.deadline else 0
    return counts


@dataclass(frozen=True)
class UnitDeadline:
    """What a unit's start page says about a campaign covering it."""

    campaign: Campaign
    days_left: int
    overdue: bool
    submitted: bool


def deadlines_for_unit(unit_id: int, statuses: dict[int, str], today: datetime.date) -> list[UnitDeadline]:
    """The open campaigns covering a unit, newest year first, with the days left and whether the unit is overdue
    (one query). ``statuses`` is the unit's evaluation status by year, which the start page has loaded already."""
    found = []
    for campaign in Campaign.objects.filter(closed_at__isnull=True, coverage__unit_id=unit_id).order_by("-year"):
        state = statuses.get(campaign.year, NOT_STARTED)
        found.append(
            UnitDeadline(
                campaign=campaign,
                days_left=days_left(campaign.deadline, today),
                overdue=is_overdue(state, campaign.deadline, today),
                submitted=state not in NOT_SUBMITTED,
            )
        )
    return found


# ---------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------
def due_step(campaign: Campaign, today: datetime.date) -> str | None:
    """The reminder step a campaign is at today: "before" from ``remind_days_before`` days before the deadline up to
    the deadline itself, "overdue" from the day after; none before that. A run that missed the before-step window
    sends the overdue one only: a "deadline approaching" after the deadline would be wrong."""
    if today > campaign.deadline:
        return Reminder.Step.OVERDUE
    if today >= campaign.deadline - datetime.timedelta(days=campaign.remind_days_before):
        return Reminder.Step.BEFORE
    return None


@dataclass
class PlannedReminder:
    campaign: Campaign
    unit: Unit
    step: str
    state: str
    recipients: list[str]


@dataclass
class ReminderRun:
    """What a run of the reminder command did (or, dry, would do)."""

    sent: list[PlannedReminder] = field(default_factory=list)
    already_sent: int = 0
    without_address: list[PlannedReminder] = field(default_factory=list)
    failed: list[PlannedReminder] = field(default_factory=list)


def planned_reminders(today: datetime.date) -> tuple[list[PlannedReminder], list[PlannedReminder]]:
    """Every reminder due today and not yet recorded, and the due ones whose unit has nobody with an e-mail address.
    One query for the open campaigns, then two for each at a reminder step (its units, their people), whatever the
    number of units."""
    due: list[PlannedReminder] = []
    without_address: list[PlannedReminder] = []
    user_model = get_user_model()
    for campaign in Campaign.objects.filter(closed_at__isnull=True).order_by("year"):
        step = due_step(campaign, today)
        if step is None:
            continue
        sent = Reminder.objects.filter(campaign_id=campaign.pk, unit_id=OuterRef("unit_id"), step=step)
        pending = (
            unit_rows(campaign, today=today)
            .filter(state__in=NOT_SUBMITTED)
            .annotate(already=Exists(sent))
            .filter(already=False)
        )
        rows = list(pending)
        addresses: dict[int, set[str]] = {}
        # The units as a subquery, not a list of ids: thousands of units would overflow SQLite's parameter limit.
        people = user_model.objects.filter(
            is_active=True,
            membership__unit_id__in=pending.values("unit_id"),
            membership__role__in=[Membership.Role.PREPARER, Membership.Role.HEAD],
        ).exclude(email="")
        for unit_id, email in people.values_list("membership__unit_id", "email"):
            addresses.setdefault(unit_id, set()).add(email)
        for row in rows:
            planned = PlannedReminder(campaign, row.unit, step, row.state, sorted(addresses.get(row.unit_id, ())))
            (due if planned.recipients else without_address).append(planned)
    return due, without_address


def send_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> ReminderRun:
    """Send every reminder due today, each (campaign, unit, step) at most once.

    Each reminder is recorded and sent in one transaction: the row goes in first, so a concurrent run that reached
    the same decision waits on the unique constraint and then fails on it, and sends nothing. A mail server that
    refuses rolls the record back, so the next run tries again. (A crash between the mail leaving and the commit
    could send one twice: at least once, never silently lost, is the better side of that trade.)"""
    today = today or timezone.localdate()
    due, without_address = planned_reminders(today)
    run = ReminderRun(without_address=without_address)
    if dry_run:
        run.sent = due
        return run
    for planned in due:
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    campaign=planned.campaign,
                    unit=planned.unit,
                    step=planned.step,
                    sent_at=timezone.now(),
                    recipients="\n".join(planned.recipients),
                )
                notifications.campaign_reminder(
                    planned.campaign, planned.unit, planned.step, planned.recipients, today=today
                )
        except IntegrityError:
            run.already_sent += 1
        except Exception:
            logger.exception("Reminder to %s (%s) failed", planned.unit, planned.step)
            run.failed.append(planned)
        else:
            run.sent.append(planned)
    return run
