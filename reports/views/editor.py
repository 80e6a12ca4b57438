"""The editor: the evaluation overview (completeness per section), one page per section, the live figures beside
the inputs, and starting a new year from last year. Views stay thin: access helper, page of forms, service call,
redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from achievements.forms import AchievementsPage
from budgets.figures import basic_spending_figures, project_spending_figures, spending_totals
from budgets.forms import BasicSpendingPage, ExecutionPage, ProjectSpendingPage, TotalsPage
from budgets.models import SpendingSummary
from evaluations.forms import NarrativePage, NewEvaluationForm, ProfilePage, SectionPage, amount_messages
from evaluations.history import Via, recording
from evaluations.models import Evaluation, Membership, Section
from evaluations.selectors import get_evaluation_for_user, may_start_evaluation, membership_of
from evaluations.services import may_edit_content, section_revision

from ..completeness import completeness_of
from ..forms import TextsPage
from ..key_figures import HANDED_OVER
from ..proofreading import proofreading_context
from ..review import may_review, released_for
from ..scoring import ScoredEvaluation, scheme_of, score_of
from ..scoring_page import ScoringPage
from ..services import create_evaluation, ensure_previous_year_handed_over

PAGES: dict[str, type[SectionPage]] = {
    page.section: page
    for page in (
        ProfilePage,
        TotalsPage,
        BasicSpendingPage,
        ProjectSpendingPage,
        ExecutionPage,
        AchievementsPage,
        ScoringPage,
        NarrativePage,
        TextsPage,
    )
}


def _navigation() -> list[tuple[str, str, bool]]:
    """The editor's tabs in the report's order: (key, title, whether the section has a page). Every section has one
    today; the flag keeps a section added to ``Section`` before its page from linking to nothing."""
    return [(key, title, key in PAGES) for key, title in Section.choices]


def _next_section(section: str) -> str | None:
    """The section after ``section`` in the report's order that has a page (None after the last): where
    保存并继续下一节 goes."""
    keys = [key for key, _title, has_page in _navigation() if has_page]
    position = keys.index(section)
    return keys[position + 1] if position + 1 < len(keys) else None


def _get_evaluation(request: HttpRequest, pk: int) -> Evaluation:
    return get_evaluation_for_user(request.user, pk)


def _page_class(section: str) -> type[SectionPage]:
    try:
        return PAGES[section]
    except KeyError:
        raise Http404("No such section") from None


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview: figures at a glance, each section's completeness with what is missing, and the panels of the
    report, the spreadsheets and the workflow."""
    evaluation = _get_evaluation(request, pk)
    # Proofreading prefetches basic spending, fund sources and project items: the figures below reuse them.
    proofreading = proofreading_context(evaluation)
    basic = basic_spending_figures(evaluation.basic_spending.all())
    project = project_spending_figures(evaluation.fund_sources.all(), evaluation.project_items.all())
    # The totals as the unit states them, completed from the parts where it does not.
    totals = spending_totals(SpendingSummary.objects.filter(evaluation=evaluation).first(), basic, project)
    membership = membership_of(request.user)
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            **proofreading,
            "totals": totals,
            "completeness": completeness_of(evaluation),
            "released": released_for(evaluation),
            "may_review": may_review(request.user),
            # Only once this year is handed over: a draft is not a base for the next year yet.
            "can_start_next_year": evaluation.status in HANDED_OVER
            and _may_start_evaluations(request, membership)
            and membership.unit_id == evaluation.unit_id
            and not Evaluation.objects.filter(unit_id=evaluation.unit_id, year=evaluation.year + 1).exists(),
        },
    )


@login_required
def section_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    evaluation = _get_evaluation(request, pk)
    page_class = _page_class(section)
    next_section = _next_section(section)
    last_save = None
    if request.method == "POST":
        page = page_class(evaluation, request.POST)
        if page.is_valid():
            try:
                with recording(actor=request.user, via=Via.EDITOR):
                    page.save(actor=request.user)
            except ValidationError as error:
                page.add_error(error)
            else:
                messages.success(request, _("“%(title)s”已保存。") % {"title": page.title})
                # 保存并继续下一节: the same save, then the next section in the report's order.
                if request.POST.get("continue") == "next" and next_section is not None:
                    return redirect("evaluation_section", pk=evaluation.pk, section=next_section)
                return redirect("evaluation_section", pk=evaluation.pk, section=section)
    else:
        last_save = section_revision(evaluation, section)
        page = page_class(evaluation, revision=last_save.revision if last_save else 0)
    can_edit = evaluation.is_editable and may_edit_content(request.user, evaluation)
    if not can_edit:
        page.make_read_only()
    return render(
        request,
        page.template,
        {
            "evaluation": evaluation,
            "page": page,
            "sections": _navigation(),
            "section": section,
            "last_save": last_save,
            "can_edit": can_edit,
            "next_section": next_section,
            "amount_messages": amount_messages() if page.has_amounts and can_edit else {},
            "score": _score(page),
        },
        status=200 if not page.data or not page.has_errors else 422,
    )


def _score(page: SectionPage) -> ScoredEvaluation | None:
    """The score sheet a page shows beside its inputs, of the page as typed (as saved on a page not posted), under
    the evaluation's scheme: the indicators' page and the 自评评分 page."""
    if isinstance(page, AchievementsPage):
        return score_of(
            page.evaluation, scheme=scheme_of(page.evaluation, page.scheme), indicators=page.unit_indicators()
        )
    if isinstance(page, ScoringPage):
        return page.scored
    return None


@login_required
@require_POST
def section_figures(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """The derived figures of the page as typed, without saving: htmx swaps them in beside the inputs."""
    evaluation = _get_evaluation(request, pk)
    page = _page_class(section)(evaluation, request.POST)
    if not hasattr(page, "figures"):
        raise Http404("This section has no figures")
    page.is_valid()
    # live: the partial may also replace, out of band, what the page shows beside its fields.
    return render(
        request,
        f"editor/_figures_{section}.html",
        {"evaluation": evaluation, "page": page, "live": True, "score": _score(page)},
    )


def _may_start_evaluations(request: HttpRequest, membership: Membership | None) -> bool:
    return (
        membership is not None and membership.unit is not None and may_start_evaluation(request.user, membership.unit)
    )


@login_required
def evaluation_create(request: HttpRequest) -> HttpResponse:
    """Start a year's evaluation for the person's own unit, from last year's where there is one."""
    membership = membership_of(request.user)
    if not _may_start_evaluations(request, membership):
        raise PermissionDenied
    unit = membership.unit
    latest = Evaluation.objects.filter(unit=unit).order_by("-year").values_list("year", flat=True).first()
    if request.method == "POST":
        form = NewEvaluationForm(request.POST)
        if form.is_valid():
            try:
                ensure_previous_year_handed_over(unit=unit, year=form.cleaned_data["year"])
                evaluation = create_evaluation(unit=unit, year=form.cleaned_data["year"], actor=request.user)
            except ValidationError as error:
                form.add_error("year", error)
            else:
                messages.success(request, _("已创建%(year)s年度绩效自评。") % {"year": evaluation.year})
                return redirect("evaluation_detail", pk=evaluation.pk)
    else:
        form = NewEvaluationForm(initial={"year": (latest + 1) if latest else None})
    # Said before anything is typed: the year after an unfinished one cannot be started yet.
    not_yet = None
    if latest is not None:
        try:
            ensure_previous_year_handed_over(unit=unit, year=latest + 1)
        except ValidationError as error:
            not_yet = error.messages[0]
    return render(request, "editor/new.html", {"form": form, "unit": unit, "latest": latest, "not_yet": not_yet})
