"""The finance bureau's review (复核) pages: the score sheet with a score and comment per line, the release with its
confirmation, and withdrawing a release. Only the bureau and administrators reach them: everyone else gets 404, so
an unreleased review cannot be found through any URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evaluations.models import Evaluation
from evaluations.selectors import get_evaluation_for_user

from .. import review as reviews
from ..models import Review


def _get_evaluation(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = get_evaluation_for_user(request.user, pk)
    if not reviews.may_review(request.user):
        raise Http404("No such review")
    return evaluation


def _review_of(evaluation: Evaluation) -> Review | None:
    return (
        Review.objects.filter(evaluation=evaluation)
        .select_related("reviewer", "released_by")
        .prefetch_related("items")
        .first()
    )


def _context(request: HttpRequest, evaluation: Evaluation, review: Review | None) -> dict:
    sheet = reviews.review_sheet(evaluation, review)
    return {
        "evaluation": evaluation,
        "review": review,
        "sheet": sheet,
        "refusal": reviews.record_refusal(evaluation, request.user, review),
        "can_release": reviews.release_refusal(evaluation, request.user, review) is None,
        "can_withdraw": reviews.withdraw_refusal(evaluation, request.user, review) is None,
        "based_on": reviews.based_on(review) if review is not None else None,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bureau_review(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the sheet with the self-score and the review side by side. POST: record the scores and comments."""
    evaluation = _get_evaluation(request, pk)
    review = _review_of(evaluation)
    typed: dict[str, reviews.LineInput] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        keys = [name.removeprefix("score-") for name in request.POST if name.startswith("score-")]
        typed = {
            key: reviews.LineInput(request.POST.get(f"score-{key}", ""), request.POST.get(f"comment-{key}", ""))
            for key in keys
        }
        try:
            reviews.record_review(
                evaluation=evaluation, actor=request.user, lines=typed, comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = {key: [str(m) for m in value[0].messages] for key, value in error.error_dict.items()}
                messages.error(request, _("复核得分未保存，请更正标出的内容。"))
            else:
                for message in error.messages:
                    messages.error(request, message)
        else:
            messages.success(request, _("复核得分已保存。"))
            return redirect("bureau_review", evaluation.pk)
    context = _context(request, evaluation, review)
    context["rows"] = [
        {
            "line": line,
            "score": typed[line.key].score if line.key in typed else (line.item.score if line.item else ""),
            "comment": typed[line.key].comment if line.key in typed else (line.item.comment if line.item else ""),
            "errors": errors.get(line.key, []),
        }
        for line in context["sheet"].lines
    ]
    context["comment"] = request.POST.get("comment", "") if typed else (review.comment if review else "")
    return render(request, "review/bureau.html", context, status=422 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bureau_review_release(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (what the unit will see). POST: release."""
    evaluation = _get_evaluation(request, pk)
    if request.method == "POST":
        try:
            reviews.release_review(evaluation=evaluation, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("复核结果已发布，单位可以查看。"))
        return redirect("bureau_review", evaluation.pk)
    review = _review_of(evaluation)
    if reviews.release_refusal(evaluation, request.user, review) is not None:
        return redirect("bureau_review", evaluation.pk)
    return render(request, "review/release.html", _context(request, evaluation, review))


@login_required
@require_POST
def bureau_review_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation(request, pk)
    try:
        reviews.withdraw_release(evaluation=evaluation, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤回发布，单位暂时看不到复核结果。"))
    return redirect("bureau_review", evaluation.pk)
