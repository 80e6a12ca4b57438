"""The workflow of an evaluation: one service function per transition.

    draft ─submit→ submitted ─approve→ approved ──────────────publish──────────────→ published
                      │                    │  (when the department reviews:)                    │
                      │                    └─department_approve→ dept_approved ─publish→ published
                      │                    │                           │                        │
                      └──── return (reason) from submitted, approved or dept_approved ─┘      reopen for
                                           ↓                                               correction (reason)
                    returned ─submit→ submitted …  ←───────────────────────────────────────────┘
                    (a reopened report's publication stays live until the next version)

Each transition takes the evaluation's row lock inside one transaction, asks its guard (which refuses with a
message the person can act on), changes the status with ``update_fields``, writes a :class:`StatusChange` row and
hands the e-mail to ``transaction.on_commit``. The guards are plain functions so that pages show exactly the buttons
the services will accept.

Who may do what (a person acts only within their unit, except the department, the finance bureau and
administrators):

- submit: a preparer or the head of the unit, from draft or returned, once the report has everything its outline
  requires, its signature date, and figures that agree with each other (:attr:`Completeness.blockers`);
- approve: the head of the unit, from submitted, never a report they submitted themselves, after the same checks
  again (the scoring scheme, or the outline, may have changed since it was submitted);
- department approve (主管部门审核): the head of the unit's department (its parent unit), from approved, when the
  year's campaign requires the department's review (:func:`evaluations.departments.requires_department_review`);
- return (reason required): the head of the unit or the finance bureau, from submitted, approved or
  dept_approved; the head of the department too, from approved or dept_approved, when its review is required;
- publish: the head of the unit or an administrator, from approved (from dept_approved when the department's review
  is required), after the same checks again: a report approved before a rule or its outline changed is refused
  with the reasons (see :mod:`reports.publication`);
- reopen for correction (reason required): the head of the unit or an administrator, from published; the
  evaluation becomes returned and its publication stays on the portal until the corrected version supersedes it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from evaluations import notifications
from evaluations.departments import requires_department_review
from evaluations.models import Evaluation, Membership, Publication, StatusChange, Submission
from evaluations.selectors import is_bureau, is_department_head_of, is_unit_staff, role_in_unit

from .completeness import Problem, completeness_of
from .diff import snapshot
from .history import edited_submitted_version
from .key_figures import record_key_figures
from .publication import create_publication

Status = Evaluation.Status
User = AbstractBaseUser | AnonymousUser

NOT_ALLOWED_ROLE = _("您没有权限执行此操作。")
NOT_SUBMITTABLE = _("只有草稿或已退回的报告可以提交。")
NOT_SUBMITTED = _("只有已提交的报告可以审核通过。")
SELF_APPROVAL = _("不能审核通过自己提交的报告，请由本单位其他负责人审核。")
EDITOR_APPROVAL = _("您修改过本次提交的报告内容，不能由您审核通过，请由本单位其他负责人审核。")
NOT_RETURNABLE = _("只有已提交或已审核的报告可以退回。")
NOT_APPROVED = _("只有已审核的报告可以公开。")
NOT_FOR_DEPARTMENT = _("只有单位已审核的报告可以由主管部门审核。")
NO_DEPARTMENT_REVIEW = _("本年度的绩效自评工作不要求主管部门审核，该报告经单位审核后即可公开。")
DEPARTMENT_REVIEW_PENDING = _("该报告须经主管部门审核通过后才能公开，请等待主管部门审核。")
NOT_PUBLISHED = _("只有已公开的报告可以发起更正。")
REASON_REQUIRED = _("请填写退回原因。")
CORRECTION_REASON_REQUIRED = _("请填写更正原因。")
SUBMIT_BLOCKED = _("报告尚不能提交，请先补充或更正以下内容：")
PUBLISH_BLOCKED = _("报告不能公开，以下内容缺失或数字不一致，请退回修改：")
APPROVE_BLOCKED = _("报告不能审核通过，以下内容缺失或数字不一致，请退回修改：")


class Blocked(ValidationError):
    """Refused for what the report says or leaves out, not for who asks: a heading, then one message per problem.
    ``problems`` keeps each with the editor section and field where it is fixed, for pages to link to."""

    def __init__(self, header: object, problems: list[Problem]) -> None:
        super().__init__([str(header), *(problem.text for problem in problems)])
        self.header = str(header)
        self.problems = problems


def _is_head(user: User, evaluation: Evaluation) -> bool:
    return role_in_unit(user, evaluation) == Membership.Role.HEAD


def _is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


# ---------------------------------------------------------------------------
# Guards: None when the person may take the transition now, otherwise the reason they may not
# ---------------------------------------------------------------------------
def submit_refusal(evaluation: Evaluation, user: User) -> str | None:
    if not is_unit_staff(user, evaluation):
        return str(NOT_ALLOWED_ROLE)
    if evaluation.status not in {Status.DRAFT, Status.RETURNED}:
        return str(NOT_SUBMITTABLE)
    return None


def last_submitter_id(evaluation: Evaluation) -> int | None:
    """Who submitted the evaluation most recently (one query)."""
    return (
        StatusChange.objects.filter(evaluation=evaluation, to_status=Status.SUBMITTED)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )


def approve_refusal(evaluation: Evaluation, user: User) -> str | None:
    if not _is_head(user, evaluation):
        return str(NOT_ALLOWED_ROLE)
    if evaluation.status != Status.SUBMITTED:
        return str(NOT_SUBMITTED)
    if last_submitter_id(evaluation) == user.pk:
        return str(SELF_APPROVAL)
    # Four eyes: a head who wrote part of what was handed over would be approving their own work.
    if edited_submitted_version(evaluation, user):
        return str(EDITOR_APPROVAL)
    return None


def department_approve_refusal(evaluation: Evaluation, user: User) -> str | None:
    if not is_department_head_of(user, evaluation):
        return str(NOT_ALLOWED_ROLE)
    if evaluation.status != Status.APPROVED:
        return str(NOT_FOR_DEPARTMENT)
    if not requires_department_review(evaluation):
        return str(NO_DEPARTMENT_REVIEW)
    return None


def return_refusal(evaluation: Evaluation, user: User) -> str | None:
    if _is_head(user, evaluation) or is_bureau(user):
        if evaluation.status not in {Status.SUBMITTED, Status.APPROVED, Status.DEPT_APPROVED}:
            return str(NOT_RETURNABLE)
        return None
    # The department returns what it reviews: after the unit's approval, and only when its review is asked for.
    if is_department_head_of(user, evaluation) and requires_department_review(evaluation):
        if evaluation.status not in {Status.APPROVED, Status.DEPT_APPROVED}:
            return str(NOT_RETURNABLE)
        return None
    return str(NOT_ALLOWED_ROLE)


def publish_refusal(evaluation: Evaluation, user: User) -> str | None:
    if not (_is_head(user, evaluation) or _is_admin(user)):
        return str(NOT_ALLOWED_ROLE)
    if evaluation.status not in {Status.APPROVED, Status.DEPT_APPROVED}:
        return str(NOT_APPROVED)
    if evaluation.status == Status.APPROVED and requires_department_review(evaluation):
        return str(DEPARTMENT_REVIEW_PENDING)
    return None


def reopen_refusal(evaluation: Evaluation, user: User) -> str | None:
    if not (_is_head(user, evaluation) or _is_admin(user)):
        return str(NOT_ALLOWED_ROLE)
    if evaluation.status != Status.PUBLISHED:
        return str(NOT_PUBLISHED)
    return None


GUARDS: dict[str, Callable[[Evaluation, User], str | None]] = {
    "submit": submit_refusal,
    "approve": approve_refusal,
    "department_approve": department_approve_refusal,
    "return": return_refusal,
    "publish": publish_refusal,
    "reopen": reopen_refusal,
}


def awaiting_department(evaluation: Evaluation) -> bool:
    """Approved by the unit and waiting for its department's review before it may be published."""
    return evaluation.status == Status.APPROVED and requires_department_review(evaluation)


def allowed_actions(evaluation: Evaluation, user: User) -> list[str]:
    """The transitions this person may take now, in the order the panel shows them."""
    return [name for name, refusal in GUARDS.items() if refusal(evaluation, user) is None]


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------
def lock(evaluation: Evaluation) -> Evaluation:
    """The evaluation's row, locked until the surrounding transaction ends; the caller's copy may be stale."""
    return Evaluation.objects.select_for_update().select_related("unit").get(pk=evaluation.pk)


def _refuse_unless_allowed(refusal: str | None) -> None:
    if refusal is not None:
        raise ValidationError(refusal, code="refused")


def _refuse_unless_complete(evaluation: Evaluation, header: object) -> None:
    """Nothing incomplete or self-contradictory goes out: the outline's required sections, the signature date,
    every cross-check of the figures, and a complete score under a valid scheme with the unit's weights adding up.
    Read under the row lock, so the report checked is the report sent on."""
    problems = completeness_of(evaluation).blockers
    if problems:
        raise Blocked(header, problems)


def record_transition(evaluation: Evaluation, actor: AbstractBaseUser, to_status: str, comment: str = "") -> None:
    """Move a locked evaluation to its new status and write the history row. Callers hold the row lock."""
    from_status = evaluation.status
    evaluation.status = to_status
    # The status is the workflow's, recorded in StatusChange below; the content history records content only.
    evaluation.save_without_historical_record(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        evaluation=evaluation, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )


def submit(*, evaluation: Evaluation, actor: AbstractBaseUser, comment: str = "") -> Evaluation:
    """The preparer hands the report to the head; what it says now is kept for the next review's comparison."""
    with transaction.atomic():
        locked = lock(evaluation)
        _refuse_unless_allowed(submit_refusal(locked, actor))
        _refuse_unless_complete(locked, SUBMIT_BLOCKED)
        number = locked.submissions.count() + 1
        Submission.objects.create(evaluation=locked, number=number, submitted_by=actor, content=snapshot(locked))
        record_transition(locked, actor, Status.SUBMITTED, comment.strip())
        # The bureau's summary reads these, frozen with the report in the same transaction.
        record_key_figures(locked)
        transaction.on_commit(lambda: notifications.submitted(locked, actor))
    evaluation.status = locked.status
    return locked


def approve(*, evaluation: Evaluation, actor: AbstractBaseUser, comment: str = "") -> Evaluation:
    with transaction.atomic():
        locked = lock(evaluation)
        _refuse_unless_allowed(approve_refusal(locked, actor))
        # Submission does not freeze the scheme: a bureau's edit since then is checked here too.
        _refuse_unless_complete(locked, APPROVE_BLOCKED)
        record_transition(locked, actor, Status.APPROVED, comment.strip())
        transaction.on_commit(lambda: notifications.approved(locked, actor))
        if requires_department_review(locked):
            transaction.on_commit(lambda: notifications.awaiting_department(locked, actor))
    evaluation.status = locked.status
    return locked


def department_approve(*, evaluation: Evaluation, actor: AbstractBaseUser, comment: str = "") -> Evaluation:
    """主管部门审核: the department passes a report its unit has approved; the unit's head may then publish it."""
    with transaction.atomic():
        locked = lock(evaluation)
        _refuse_unless_allowed(department_approve_refusal(locked, actor))
        record_transition(locked, actor, Status.DEPT_APPROVED, comment.strip())
        transaction.on_commit(lambda: notifications.department_approved(locked, actor))
    evaluation.status = locked.status
    return locked


def return_for_revision(*, evaluation: Evaluation, actor: AbstractBaseUser, reason: str) -> Evaluation:
    """The head or the bureau sends the report back; it becomes editable again and shows the reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = lock(evaluation)
        _refuse_unless_allowed(return_refusal(locked, actor))
        if not reason:
            raise ValidationError(REASON_REQUIRED, code="reason_required")
        submitter_id = last_submitter_id(locked)
        record_transition(locked, actor, Status.RETURNED, reason)
        transaction.on_commit(lambda: notifications.returned(locked, actor, reason, submitter_id))
    evaluation.status = locked.status
    return locked


def reopen_for_correction(*, evaluation: Evaluation, actor: AbstractBaseUser, reason: str) -> Evaluation:
    """发起更正: a published report becomes editable again. Its publication stays on the portal, unchanged, until
    the corrected report is approved and published as the next version."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = lock(evaluation)
        _refuse_unless_allowed(reopen_refusal(locked, actor))
        if not reason:
            raise ValidationError(CORRECTION_REASON_REQUIRED, code="reason_required")
        record_transition(locked, actor, Status.RETURNED, reason)
        transaction.on_commit(lambda: notifications.reopened(locked, actor, reason))
    evaluation.status = locked.status
    return locked


def publish(*, evaluation: Evaluation, actor: AbstractBaseUser) -> Publication:
    """Render the PDF once, store it and the report body as the next version, and mark the report published.

    The PDF is rendered while the row lock is held: a second publish request waits for the first, then finds the
    report already published and is refused, so simultaneous clicks produce exactly one version (the unique
    constraint on evaluation and version is the last line of defence). If rendering or storing fails the
    transaction rolls back and the report stays approved; the error is raised as a PublicationError."""
    with transaction.atomic():
        locked = lock(evaluation)
        _refuse_unless_allowed(publish_refusal(locked, actor))
        # Approval does not freeze the rules: an outline assigned or a check added since is applied here too.
        _refuse_unless_complete(locked, PUBLISH_BLOCKED)
        publication = create_publication(locked, actor)
        # The history is read by everyone: stored in the site's language, not the publisher's.
        with translation.override(settings.LANGUAGE_CODE):
            comment = str(_("第%(version)s版") % {"version": publication.version})
        record_transition(locked, actor, Status.PUBLISHED, comment)
        transaction.on_commit(lambda: notifications.published(locked, actor, publication))
    evaluation.status = locked.status
    return publication


def history(evaluation: Evaluation) -> list[StatusChange]:
    """The evaluation's transitions with their actors, oldest first (one query)."""
    return list(evaluation.status_changes.select_related("actor").order_by("at", "id"))


def open_return_reason(evaluation: Evaluation, changes: list[StatusChange] | None = None) -> StatusChange | None:
    """While an evaluation is returned, the transition that returned it: the reason the preparer has to address."""
    if evaluation.status != Status.RETURNED:
        return None
    changes = history(evaluation) if changes is None else changes
    returns = [change for change in changes if change.to_status == Status.RETURNED]
    return returns[-1] if returns else None
