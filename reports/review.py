"""The finance bureau's review (复核): a score per line of the 自评表 and overall, with comments, released to the unit.

A line is a leaf of the scheme (key: the leaf's key, out of the leaf's weight) or one of the unit's own indicators
under a placeholder leaf (key ``indicator:<pk>``, out of the indicator's own 分值, as the sheet shows it). The review
total is not added up here: the engine scores the evaluation again with the bureau's points in place of the rules'
(:class:`evaluations.scoring.Reviewed`), so rescaling, deductions, the cap and the grade follow the scheme exactly.
A line the bureau leaves blank keeps the self-score.

One service per state change, each under the evaluation's row lock:

- :func:`record_review`: the bureau (or an administrator) records or changes the scores and comments, while the
  report is submitted, approved or published and the review is not released;
- :func:`release_review`: the unit may see it from now on (who and when are kept); its preparers and head get an
  e-mail. A released review is not edited: the bureau withdraws the release first (:func:`withdraw_release`, with
  a reason), edits, and releases again, so the unit never reads a review that changes under it.

Returning a report leaves its review attached (it was made on the version that was submitted, which the pages say);
while the unit revises, the review cannot be changed, and it can again once the report is resubmitted.

Every change is recorded in Django's admin log (``LogEntry``, an existing table: no migration), with the acting
person, the time and, as JSON, each line's old and new score and comment (:func:`review_log`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations import notifications
from evaluations.models import Evaluation, Submission
from evaluations.money import FEN, MINUS, quantize_half_up
from evaluations.scoring import Reviewed, SchemeSpec, ScoreSheet, score_evaluation
from evaluations.scoring_rules import format_score, format_weight
from evaluations.scoring_schemes import scheme_for
from evaluations.selectors import is_bureau

from .key_figures import HANDED_OVER
from .models import Review, ReviewItem
from .scoring import gather_inputs
from .workflow import lock

Status = Evaluation.Status
User = AbstractBaseUser | AnonymousUser

# What the bureau may review: the reports a unit has handed over (the one list of them).
REVIEWABLE = frozenset(HANDED_OVER)
INDICATOR_PREFIX = "indicator:"

NOT_ALLOWED = _("只有财政部门可以复核报告。")
NOT_REVIEWABLE = _("只有已提交、已审核（含主管部门已审核）或已公开的报告可以复核。")
RELEASED = _("复核结果已发布，不能修改；如需修改，请先撤回发布。")
NOT_RELEASED = _("复核结果尚未发布。")
NO_REVIEW = _("尚未录入复核得分，不能发布。")
WITHDRAW_REASON_REQUIRED = _("请填写撤回原因。")
SCORE_RANGE = _("复核得分须在0至%(weight)s分之间。")
SCORE_INVALID = _("请填写数字，最多两位小数。")
COMMENT_NEEDS_SCORE = _("填写复核意见时，请同时填写复核得分。")
LEAF_AND_INDICATORS = _("本项下的绩效指标已逐项复核，本项得分由其折算，不能另行填写。")
UNKNOWN_LINE = _("评分表中没有这一行。")


# ---------------------------------------------------------------------------
# Reading: the lines, the self-score and the review side by side
# ---------------------------------------------------------------------------
def indicator_key(ref: object) -> str:
    return f"{INDICATOR_PREFIX}{ref}"


@dataclass(frozen=True)
class Line:
    """One reviewable line: ``weight`` is its 分值 (the most the review may give), ``own`` the self-score, ``item``
    the bureau's score when it gave one, ``reviewed`` what the line counts as in the review (the bureau's score,
    or the self-score rescored). ``parent``: a unit indicator's leaf key."""

    key: str
    name: str
    weight: Decimal
    own: Decimal | None
    reviewed: Decimal | None
    item: ReviewItem | None
    parent: str = ""
    level1: str = ""
    level2: str = ""

    @property
    def is_indicator(self) -> bool:
        return bool(self.parent)

    @property
    def difference(self) -> str:
        return signed(self.reviewed, self.own)

    @property
    def weight_shown(self) -> str:
        return format_weight(self.weight)

    @property
    def own_shown(self) -> str:
        return format_score(self.own)

    @property
    def reviewed_shown(self) -> str:
        return format_score(self.reviewed)


def signed(reviewed: Decimal | None, own: Decimal | None, precision: Decimal = FEN) -> str:
    """The review minus the self-score as both are shown (half-up), signed: "+0.50", "−1.25", "0.00"; blank when
    either is unknown. Taken between the shown figures, so the difference printed is the difference read."""
    if reviewed is None or own is None:
        return ""
    difference = quantize_half_up(reviewed, precision) - quantize_half_up(own, precision)
    if difference == 0:
        return f"{abs(difference):.2f}"
    return f"{'+' if difference > 0 else MINUS}{abs(difference):.2f}"


@dataclass(frozen=True)
class ReviewSheet:
    """The evaluation's self-score and the review's sheet, line by line."""

    scheme: SchemeSpec
    own: ScoreSheet
    reviewed: ScoreSheet
    lines: tuple[Line, ...]
    review: Review | None

    @property
    def difference(self) -> str:
        return signed(self.reviewed.total, self.own.total, self.scheme.grades.precision)

    def line(self, key: str) -> Line | None:
        return next((line for line in self.lines if line.key == key), None)

    @property
    def stale(self) -> bool:
        """The stored total is no longer what the lines give: the unit resubmitted with other figures since the
        bureau last saved (a line not reviewed follows the self-score). Saving or releasing brings it up to date."""
        return self.review is not None and self.review.score_total != _shown_total(self.scheme, self.reviewed)


def _shown_total(scheme: SchemeSpec, sheet: ScoreSheet) -> Decimal | None:
    return None if sheet.total is None else scheme.grades.shown(sheet.total)


def _reviewed_from(items: Mapping[str, Decimal]) -> Reviewed:
    leaves = {key: points for key, points in items.items() if not key.startswith(INDICATOR_PREFIX)}
    indicators: dict[object, Decimal] = {}
    for key, points in items.items():
        if key.startswith(INDICATOR_PREFIX):
            ref = key.removeprefix(INDICATOR_PREFIX)
            # The sheet's refs are the Indicator pks as ints; anything else cannot match a row and is refused.
            indicators[int(ref) if ref.isdigit() else ref] = points
    return Reviewed(leaves=leaves, indicators=indicators)


def review_sheet(evaluation: Evaluation, review: Review | None, *, scheme: SchemeSpec | None = None) -> ReviewSheet:
    """The self-score and the review's score of the evaluation, each line with both. The inputs are gathered once
    (the score's queries) and the review's items are read once (none when prefetched or no review)."""
    scheme = scheme_for(evaluation) if scheme is None else scheme
    inputs = gather_inputs(evaluation).inputs
    items = {item.key: item for item in review.items.all()} if review is not None else {}
    own = score_evaluation(scheme, inputs)
    reviewed = score_evaluation(scheme, inputs, reviewed=_reviewed_from({k: i.score for k, i in items.items()}))
    return ReviewSheet(scheme, own, reviewed, tuple(_lines(own, reviewed, items)), review)


def _lines(own: ScoreSheet, reviewed: ScoreSheet, items: Mapping[str, ReviewItem]) -> list[Line]:
    lines: list[Line] = []
    for level1, level1_reviewed in zip(own.sections, reviewed.sections, strict=True):
        for group, group_reviewed in zip(level1.groups, level1_reviewed.groups, strict=True):
            for leaf, leaf_reviewed in zip(group.leaves, group_reviewed.leaves, strict=True):
                if leaf.not_applicable:
                    continue
                lines.append(
                    Line(
                        leaf.key,
                        leaf.name,
                        leaf.weight,
                        leaf.points,
                        leaf_reviewed.points,
                        items.get(leaf.key),
                        level1=level1.name,
                        level2=group.name,
                    )
                )
                for row, row_reviewed in zip(leaf.indicators, leaf_reviewed.indicators, strict=True):
                    indicator = row.indicator
                    if row.not_applicable or indicator.weight is None:
                        continue
                    key = indicator_key(indicator.ref)
                    lines.append(
                        Line(
                            key,
                            indicator.name,
                            indicator.weight,
                            row.points,
                            row_reviewed.points,
                            items.get(key),
                            parent=leaf.key,
                            level1=level1.name,
                            level2=group.name,
                        )
                    )
    return lines


def released_review(evaluation: Evaluation) -> Review | None:
    """The review the unit may see: only once released (one query)."""
    return (
        Review.objects.filter(evaluation=evaluation, released_at__isnull=False)
        .select_related("reviewer", "released_by")
        .prefetch_related("items")
        .first()
    )


@dataclass(frozen=True)
class Released:
    """What the unit sees once the review is released: the review, the sheet side by side, and the submission it
    was made on."""

    review: Review
    sheet: ReviewSheet
    based_on: Submission | None

    @property
    def difference(self) -> str:
        """The released total (as stored) against the self-score as it stands."""
        return signed(self.review.score_total, self.sheet.own.total, self.sheet.scheme.grades.precision)


def released_for(evaluation: Evaluation) -> Released | None:
    """The released review with its sheet, or None before release: one query then (so nothing leaks), the score's
    queries and two more after."""
    review = released_review(evaluation)
    if review is None:
        return None
    return Released(review, review_sheet(evaluation, review), based_on(review))


def based_on(review: Review) -> Submission | None:
    """The submission the review was last changed on: what the pages name when the report has been returned and
    revised since (one query)."""
    return (
        Submission.objects.filter(evaluation_id=review.evaluation_id, submitted_at__lte=review.updated_at)
        .order_by("-number")
        .first()
    )


def review_log(review: Review) -> list[LogEntry]:
    """Every recorded change of the review, oldest first, with who made it (one query). ``change_message`` is JSON:
    the action, and for edits each line's old and new score and comment."""
    return list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Review), object_id=str(review.pk))
        .select_related("user")
        .order_by("action_time", "pk")
    )


# ---------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------
def may_review(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or is_bureau(user)))


def record_refusal(evaluation: Evaluation, user: User, review: Review | None) -> str | None:
    if not may_review(user):
        return str(NOT_ALLOWED)
    if evaluation.status not in REVIEWABLE:
        return str(NOT_REVIEWABLE)
    if review is not None and review.released_at is not None:
        return str(RELEASED)
    return None


def release_refusal(evaluation: Evaluation, user: User, review: Review | None) -> str | None:
    if not may_review(user):
        return str(NOT_ALLOWED)
    if review is None:
        return str(NO_REVIEW)
    if review.released_at is not None:
        return str(RELEASED)
    return None


def withdraw_refusal(evaluation: Evaluation, user: User, review: Review | None) -> str | None:
    if not may_review(user):
        return str(NOT_ALLOWED)
    if review is None or review.released_at is None:
        return str(NOT_RELEASED)
    return None


# ---------------------------------------------------------------------------
# Changes
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LineInput:
    """What the form gives for one line: the score as typed (blank: not reviewed) and the comment."""

    score: str = ""
    comment: str = ""


def _locked_review(evaluation: Evaluation) -> Review | None:
    return Review.objects.select_for_update().filter(evaluation=evaluation).first()


def _parse(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
        # quantize() itself refuses a number too long for the context (1e30): caught with the rest.
        if not value.is_finite() or value != value.quantize(FEN):
            return None
    except ArithmeticError:
        return None
    return value


def _validated(sheet: ReviewSheet, lines: Mapping[str, LineInput]) -> dict[str, tuple[Decimal, str]]:
    """The lines the bureau scored, as (score, comment), or a ValidationError with a message per line key."""
    errors: dict[str, str] = {}
    scored: dict[str, tuple[Decimal, str]] = {}
    by_key = {line.key: line for line in sheet.lines}
    for key, given in lines.items():
        line = by_key.get(key)
        score_text, comment = given.score.strip(), given.comment.strip()
        if line is None:
            if score_text or comment:
                errors[key] = str(UNKNOWN_LINE)
            continue
        if not score_text:
            if comment:
                errors[key] = str(COMMENT_NEEDS_SCORE)
            continue
        score = _parse(score_text)
        if score is None:
            errors[key] = str(SCORE_INVALID)
        elif not Decimal(0) <= score <= line.weight:
            errors[key] = SCORE_RANGE % {"weight": format_weight(line.weight)}
        else:
            scored[key] = (score, comment)
    # A leaf and its own indicators both scored would be two answers for one line: refused on the leaf.
    for line in sheet.lines:
        if line.is_indicator and line.key in scored and line.parent in scored:
            errors[line.parent] = str(LEAF_AND_INDICATORS)
    if errors:
        raise ValidationError(errors, code="invalid")
    return scored


def _log(actor: AbstractBaseUser, review: Review, flag: int, message: dict) -> None:
    LogEntry.objects.create(
        user_id=actor.pk,
        content_type=ContentType.objects.get_for_model(Review),
        object_id=str(review.pk),
        object_repr=str(review.evaluation)[:200],
        action_flag=flag,
        # JSON that starts with "{": the admin's history shows it as it is, and it reads back as data.
        change_message=json.dumps(message, ensure_ascii=False),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format_score(value)


def record_review(
    *, evaluation: Evaluation, actor: AbstractBaseUser, lines: Mapping[str, LineInput], comment: str = ""
) -> Review:
    """Record or change the bureau's scores and comments. ``lines``: by line key, what the form gave (a blank
    score: the line is not reviewed and keeps the self-score). Every line is checked before anything is written;
    the errors come back by line key, in Chinese."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = lock(evaluation)
        review = _locked_review(locked)
        if refusal := record_refusal(locked, actor, review):
            raise ValidationError(refusal, code="refused")
        scheme = scheme_for(locked)
        scored = _validated(review_sheet(locked, review, scheme=scheme), lines)
        created = review is None
        if review is None:
            review = Review.objects.create(evaluation=locked, reviewer=actor)
        old = {item.key: item for item in review.items.all()}
        changes = []
        for key in sorted(old.keys() - scored.keys()):
            changes.append({"key": key, "old": [_text(old[key].score), old[key].comment], "new": None})
            old[key].delete()
        for key, (score, line_comment) in scored.items():
            item = old.get(key)
            if item is None:
                ReviewItem.objects.create(review=review, key=key, score=score, comment=line_comment)
                changes.append({"key": key, "old": None, "new": [_text(score), line_comment]})
            elif item.score != score or item.comment != line_comment:
                changes.append(
                    {"key": key, "old": [_text(item.score), item.comment], "new": [_text(score), line_comment]}
                )
                item.score, item.comment = score, line_comment
                item.save(update_fields=["score", "comment"])
        # The total from the engine, over the items as now saved.
        sheet = review_sheet(locked, Review.objects.get(pk=review.pk), scheme=scheme).reviewed
        total = _shown_total(scheme, sheet)
        message = {"action": "record", "lines": changes}
        if review.comment != comment:
            message["comment"] = {"old": review.comment, "new": comment}
        if review.score_total != total:
            message["total"] = {"old": _text(review.score_total), "new": _text(total)}
        review.reviewer, review.comment, review.score_total, review.grade = actor, comment, total, sheet.grade or ""
        review.save(update_fields=["reviewer", "comment", "score_total", "grade", "updated_at"])
        _log(actor, review, ADDITION if created else CHANGE, message)
    return review


def release_review(*, evaluation: Evaluation, actor: AbstractBaseUser) -> Review:
    """The unit may see the review from now on; its preparers and head are told by e-mail once this commits."""
    with transaction.atomic():
        locked = lock(evaluation)
        review = _locked_review(locked)
        if refusal := release_refusal(locked, actor, review):
            raise ValidationError(refusal, code="refused")
        # What is released is what the lines give now: a resubmission since the last save may have moved the
        # lines the bureau left to the self-score.
        sheet = review_sheet(locked, review).reviewed
        total, grade = _shown_total(sheet.scheme, sheet), sheet.grade or ""
        message: dict = {"action": "release"}
        if (total, grade) != (review.score_total, review.grade):
            message["total"] = {"old": _text(review.score_total), "new": _text(total)}
        review.score_total, review.grade = total, grade
        review.released_at, review.released_by = timezone.now(), actor
        review.save(update_fields=["score_total", "grade", "released_at", "released_by", "updated_at"])
        _log(actor, review, CHANGE, message)
        total, grade = _text(review.score_total) or "", review.grade
        transaction.on_commit(lambda: notifications.review_released(locked, actor, total, grade))
    return review


def withdraw_release(*, evaluation: Evaluation, actor: AbstractBaseUser, reason: str) -> Review:
    """Take a released review back from the unit so it can be changed; the reason is recorded."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = lock(evaluation)
        review = _locked_review(locked)
        if refusal := withdraw_refusal(locked, actor, review):
            raise ValidationError(refusal, code="refused")
        if not reason:
            raise ValidationError(WITHDRAW_REASON_REQUIRED, code="reason_required")
        released_at = review.released_at
        review.released_at, review.released_by = None, None
        review.save(update_fields=["released_at", "released_by", "updated_at"])
        message = {"action": "withdraw", "reason": reason, "released_at": released_at.isoformat()}
        _log(actor, review, CHANGE, message)
    return review
