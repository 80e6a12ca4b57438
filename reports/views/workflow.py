"""Workflow views: the review page and one POST per transition. Every view finds the evaluation through the
selectors (404 outside the person's reach), lets the service decide, and redirects with a message."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from evaluations.models import Evaluation
from evaluations.selectors import get_evaluation_for_user

from .. import workflow
from ..completeness import completeness_of
from ..diff import changes_since_last_submission
from ..history import changes_since_previous_submission
from ..proofreading import proofreading_context
from ..publication import PublicationError, key_figures
from ..rendering import render_report_body
from .report import preview_pdf_response


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("说明（可选）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("退回原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": workflow.REASON_REQUIRED},
    )


class CorrectionForm(ReasonForm):
    comment = forms.CharField(
        label=gettext_lazy("更正原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": workflow.CORRECTION_REASON_REQUIRED},
        help_text=gettext_lazy("报告将退回修改；已公开的版本保持不变，更正版公开后标注为“已更正”。"),
    )


def _get_evaluation(request: HttpRequest, pk: int) -> Evaluation:
    return get_evaluation_for_user(request.user, pk)


def _overview(evaluation: Evaluation) -> HttpResponse:
    return redirect("evaluation_detail", evaluation.pk)


def _refused(request: HttpRequest, evaluation: Evaluation, error: ValidationError) -> HttpResponse:
    if isinstance(error, workflow.Blocked):
        # The heading only: the page it lands on lists each problem with a link to its field.
        messages.error(request, error.header)
    else:
        for message in error.messages:
            messages.error(request, message)
    return _overview(evaluation)


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The head's review page: the whole report, what changed since the last submission, the history, and the
    buttons. Anyone who can see the evaluation may read it; the buttons are the ones the services will accept."""
    evaluation = _get_evaluation(request, pk)
    changes, has_previous = changes_since_last_submission(evaluation)
    history = workflow.history(evaluation)
    return render(
        request,
        "workflow/review.html",
        {
            "evaluation": evaluation,
            # The head sees what is still missing before deciding; submitting an incomplete report is allowed
            # (units do publish such reports), hiding that it is incomplete is not.
            "completeness": completeness_of(evaluation),
            # Hints, like completeness: the head decides. Before the body, which reuses the rows it prefetches.
            **proofreading_context(evaluation),
            "body": render_report_body(evaluation),
            "changes": changes,
            "figure_changes": [change for change in changes if change.is_figure],
            "text_changes": [change for change in changes if not change.is_figure],
            "has_previous_submission": has_previous,
            "edits": changes_since_previous_submission(evaluation),
            "history": history,
            "return_reason": workflow.open_return_reason(evaluation, history),
            "actions": workflow.allowed_actions(evaluation, request.user),
            # Two forms on one page with a field of the same name: distinct ids keep each label on its own box.
            "comment_form": CommentForm(auto_id="id_approve_%s"),
            "department_comment_form": CommentForm(auto_id="id_department_%s"),
            "reason_form": ReasonForm(auto_id="id_return_%s"),
        },
    )


def _simple_transition(service: Callable[..., object], done: object) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        evaluation = _get_evaluation(request, pk)
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            service(evaluation=evaluation, actor=request.user, comment=comment)
        except ValidationError as error:
            return _refused(request, evaluation, error)
        messages.success(request, done)
        return _overview(evaluation)

    return view


submit = _simple_transition(workflow.submit, gettext_lazy("报告已提交，等待单位负责人审核。"))
approve = _simple_transition(workflow.approve, gettext_lazy("报告已审核通过，可以公开。"))
department_approve = _simple_transition(
    workflow.department_approve, gettext_lazy("主管部门已审核通过，单位负责人可以公开报告。")
)


def _reason_transition(
    service: Callable[..., object], refusal: Callable, form_class: type[forms.Form], template: str, done: object
) -> Callable[[HttpRequest, int], HttpResponse]:
    """Return and reopen need a reason: a page with the form (so it works without JavaScript), then the POST."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        evaluation = _get_evaluation(request, pk)
        reason = refusal(evaluation, request.user)
        if reason is not None:
            messages.error(request, reason)
            return _overview(evaluation)
        form = form_class(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                service(evaluation=evaluation, actor=request.user, reason=form.cleaned_data["comment"])
            except ValidationError as error:
                return _refused(request, evaluation, error)
            messages.success(request, done)
            return _overview(evaluation)
        # A reason left blank comes back with the server's message beside the field (422, as a refused editor page).
        status = 422 if form.is_bound else 200
        return render(request, template, {"evaluation": evaluation, "form": form}, status=status)

    return view


return_for_revision = _reason_transition(
    workflow.return_for_revision,
    workflow.return_refusal,
    ReasonForm,
    "workflow/return.html",
    gettext_lazy("报告已退回，填报人可以修改后重新提交。"),
)
reopen_for_correction = _reason_transition(
    workflow.reopen_for_correction,
    workflow.reopen_refusal,
    CorrectionForm,
    "workflow/reopen.html",
    gettext_lazy("已发起更正：报告退回修改，已公开的版本在更正版公开前保持不变。"),
)


STALE_CONFIRMATION = gettext_lazy("报告在您打开确认页面之后重新提交过，请核对本页内容后再确认公开。")


def _submission_number(evaluation: Evaluation) -> int:
    """Which submission the report now is (one query): the confirmation is for this one and no other."""
    return evaluation.submissions.aggregate(latest=Max("number"))["latest"] or 0


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing asks for confirmation: GET shows the key figures, what still stops publication and the first
    page of the PDF about to be stored; the button on that page posts here. A confirmation given for an earlier
    submission of the report is not taken for this one."""
    evaluation = _get_evaluation(request, pk)
    refusal = workflow.publish_refusal(evaluation, request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return _overview(evaluation)
    number = _submission_number(evaluation)
    if request.method == "GET":
        completeness = completeness_of(evaluation)
        return render(
            request,
            "workflow/publish.html",
            {
                "evaluation": evaluation,
                "figures": key_figures(evaluation),
                "blockers": completeness.blockers,
                "outline": completeness.outline,
                "submission_number": number,
                "may_return": workflow.return_refusal(evaluation, request.user) is None,
            },
        )
    if request.POST.get("submission") != str(number):
        messages.error(request, STALE_CONFIRMATION)
        return redirect("workflow_publish", evaluation.pk)
    try:
        publication = workflow.publish(evaluation=evaluation, actor=request.user)
    except workflow.Blocked as error:
        messages.error(request, error.header)
        return redirect("workflow_publish", evaluation.pk)
    except ValidationError as error:
        return _refused(request, evaluation, error)
    except PublicationError as error:
        messages.error(request, str(error))
        return _overview(evaluation)
    messages.success(
        request,
        _("报告已公开（第%(version)s版），公众可在门户网站查看：%(url)s")
        % {
            "version": publication.version,
            # The address to copy into a notice or a mail: whole, as this request reached the site.
            "url": request.build_absolute_uri(reverse("publication_detail", args=[publication.pk])),
        },
    )
    return _overview(evaluation)


@login_required
@require_safe
@cache_control(private=True, no_cache=True)
def publish_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The first page of the report's PDF as a one-page PDF, shown by the confirmation page. Whoever may see the
    evaluation may download its whole PDF anyway."""
    evaluation = _get_evaluation(request, pk)
    return preview_pdf_response(request, evaluation, inline=True, first_page=True)
