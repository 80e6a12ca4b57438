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
  with the reasons. The request only moves the report to ``publishing`` (公开中, where no transition is allowed)
  and queues a job; a worker renders, stores and records it (:func:`run_publish_job`, :mod:`reports.publication`),
  ending in ``published`` or, on a failure, back in approved / dept_approved with the error as the comment;
- reopen for correction (reason required): the head of the unit or an administrator, from published; the
  evaluation becomes returned and its publication stays on the portal until the corrected version supersedes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from evaluations import notifications
from evaluations.departments import requires_department_review
from evaluations.models import Evaluation, Membership, Publication, StatusChange, Submission
from evaluations.selectors import is_bureau, is_department_head_of, is_unit_staff, role_in_unit

from .completeness import Problem, completeness_of
from .diff import snapshot
from .history import edited_submitted_version
from .key_figures import record_key_figures
from .models import PublishJob
from .publication import (
    RECORD_FAILED,
    PublicationError,
    TransientPublicationError,
    create_publication,
    discard_stored,
    render_and_store,
)

Status = Evaluation.Status
logger = logging.getLogger(__name__)
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
PUBLISHING_ALREADY = _("报告正在公开中，请稍候。")
QUEUE_FAILED = _("公开任务未能提交到后台队列，报告未公开，仍为“已审核”状态。请稍后重试；如反复失败，请联系系统管理员。")
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


def request_publication(*, evaluation: Evaluation, actor: AbstractBaseUser) -> PublishJob:
    """公开: accept the request and hand the rendering to a worker (:func:`run_publish_job` in
    :mod:`reports.tasks`); nobody's request waits for a render.

    Under the row lock: the guards and the completeness checks, the status becomes ``publishing`` (locked like an
    approved report) and a :class:`PublishJob` is written; the job is queued once that commits. A second request
    while the first is under way (a double click) gets the same job, not a second one."""
    job, created = _accept_publication(evaluation, actor)
    if created:
        transaction.on_commit(lambda: _enqueue_publication(job.pk))
    return job


def _accept_publication(evaluation: Evaluation, actor: AbstractBaseUser) -> tuple[PublishJob, bool]:
    with transaction.atomic():
        locked = lock(evaluation)
        if locked.status == Status.PUBLISHING and (_is_head(actor, locked) or _is_admin(actor)):
            job = locked.publish_jobs.filter(state__in=[PublishJob.State.QUEUED, PublishJob.State.RUNNING]).first()
            if job is not None:
                evaluation.status = locked.status
                return job, False
        _refuse_unless_allowed(publish_refusal(locked, actor))
        # Approval does not freeze the rules: an outline assigned or a check added since is applied here too.
        _refuse_unless_complete(locked, PUBLISH_BLOCKED)
        job = PublishJob.objects.create(evaluation=locked, requested_by=actor, return_status=locked.status)
        record_transition(locked, actor, Status.PUBLISHING)
    evaluation.status = locked.status
    return job, True


def _enqueue_publication(job_id: int) -> None:
    # Imported here: the tasks module imports this one (a task is the worker's side of a transition).
    from .tasks import publish_report

    try:
        publish_report.delay(job_id)
    except Exception:
        # The broker is down: a job nobody will ever take must not leave the report publishing for good.
        logger.exception("Queueing publish job %s failed", job_id)
        job = PublishJob.objects.select_related("evaluation", "requested_by").get(pk=job_id)
        if job.state == PublishJob.State.QUEUED:
            _failed(job, str(QUEUE_FAILED))


# Far longer than a render (seconds): a job running this long lost its worker.
ABANDONED_AFTER = timedelta(minutes=15)


class RetryLater(Exception):
    """The job failed for a transient reason and has attempts left: the task queues it again after ``delay``."""

    def __init__(self, delay: int) -> None:
        super().__init__(delay)
        self.delay = delay


def run_publish_job(job_id: int, *, retry: bool = True) -> Publication | None:
    """The worker's side of 公开: render and store the PDF without any lock, then under the row lock record the
    next version and mark the report published. A failure leaves no row and no file of its own (a file another
    version shares is kept), returns the report to where it was with the error as the history's comment and on
    the job, and is logged. With ``retry``, a transient failure with attempts left raises :class:`RetryLater`
    instead. A job that is not queued (delivered twice) is left alone."""
    job = _claim(job_id)
    if job is None:
        return PublishJob.objects.get(pk=job_id).publication
    evaluation = job.evaluation
    try:
        stored = render_and_store(evaluation)
    except TransientPublicationError as error:
        return _failed(job, str(error), transient=retry)
    except PublicationError as error:
        return _failed(job, str(error))
    try:
        with transaction.atomic():
            locked = lock(evaluation)
            if locked.status != Status.PUBLISHING:
                # Changed behind the workflow's back (the admin site): not ours to publish any more.
                raise PublicationError(f"evaluation {locked.pk} is {locked.status}, not publishing")
            publication = create_publication(locked, job.requested_by, stored)
            # The history is read by everyone: stored in the site's language, not the publisher's.
            with translation.override(settings.LANGUAGE_CODE):
                comment = str(_("第%(version)s版") % {"version": publication.version})
            record_transition(locked, job.requested_by, Status.PUBLISHED, comment)
            _finish(job, PublishJob.State.DONE, publication=publication)
    except Exception as error:
        logger.exception("Recording the publication of evaluation %s failed", evaluation.pk)
        discard_stored(stored.pdf_name)
        return _failed(job, str(RECORD_FAILED), transient=retry and isinstance(error, OperationalError))
    try:
        notifications.published(locked, job.requested_by, publication)
    except Exception:
        # The version is public and correct; an e-mail that could not be written does not take it back.
        logger.exception("Telling the unit about publication %s failed", publication.pk)
    return publication


def _claim(job_id: int) -> PublishJob | None:
    """Take a queued job (one conditional update: two deliveries of one message cannot both run it). A job left
    running longer than any render takes belonged to a worker that died; its message came back, so it is taken."""
    abandoned = Q(state=PublishJob.State.RUNNING, started_at__lt=timezone.now() - ABANDONED_AFTER)
    taken = PublishJob.objects.filter(Q(state=PublishJob.State.QUEUED) | abandoned, pk=job_id).update(
        state=PublishJob.State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return PublishJob.objects.select_related("evaluation__unit", "requested_by").get(pk=job_id)


def _finish(job: PublishJob, state: str, *, publication: Publication | None = None, error: str = "") -> None:
    job.state = state
    job.publication = publication
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "publication", "error", "finished_at"])


def _failed(job: PublishJob, message: str, *, transient: bool = False) -> None:
    if transient and job.attempts < settings.PUBLISH_MAX_ATTEMPTS:
        PublishJob.objects.filter(pk=job.pk).update(state=PublishJob.State.QUEUED, error=message)
        raise RetryLater(settings.PUBLISH_RETRY_DELAY * 2 ** (job.attempts - 1))
    with transaction.atomic():
        locked = lock(job.evaluation)
        if locked.status == Status.PUBLISHING:
            record_transition(locked, job.requested_by, job.return_status, message)
        _finish(job, PublishJob.State.FAILED, error=message)
    return None


def publish(*, evaluation: Evaluation, actor: AbstractBaseUser) -> Publication:
    """Publish now, in this process: accept, render, store and record, for commands and tests (the site goes
    through :func:`request_publication` and a worker). Raises the guards' ValidationError, or PublicationError
    with the job's error when publishing failed (the report is then back where it was)."""
    job, _created = _accept_publication(evaluation, actor)
    publication = run_publish_job(job.pk, retry=False)
    job.refresh_from_db()
    evaluation.status = Evaluation.objects.values_list("status", flat=True).get(pk=evaluation.pk)
    if publication is None:
        if job.state == PublishJob.State.FAILED:
            raise PublicationError(job.error)
        publication = job.publication
    if publication is None:
        # Another process is running the job this request found under way.
        raise PublicationError(str(PUBLISHING_ALREADY))
    return publication


def open_publish_job(evaluation: Evaluation) -> PublishJob | None:
    """The evaluation's latest publish job (one query), for the progress fragment."""
    jobs = evaluation.publish_jobs.select_related("publication").defer("publication__body_html", "publication__data")
    return jobs.order_by("-created_at", "-id").first()


def history(evaluation: Evaluation) -> list[StatusChange]:
    """The evaluation's transitions with their actors, oldest first (one query)."""
    return list(evaluation.status_changes.select_related("actor").order_by("at", "id"))


def publish_failure(evaluation: Evaluation, changes: list[StatusChange]) -> StatusChange | None:
    """When the last thing that happened to the report is a publish that failed, that transition: its comment is
    the error, shown on the report's pages until something else happens."""
    if not changes or evaluation.status == Status.PUBLISHING:
        return None
    last = changes[-1]
    return last if last.from_status == Status.PUBLISHING and last.to_status != Status.PUBLISHED else None


def open_return_reason(evaluation: Evaluation, changes: list[StatusChange] | None = None) -> StatusChange | None:
    """While an evaluation is returned, the transition that returned it: the reason the preparer has to address."""
    if evaluation.status != Status.RETURNED:
        return None
    changes = history(evaluation) if changes is None else changes
    returns = [change for change in changes if change.to_status == Status.RETURNED]
    return returns[-1] if returns else None
