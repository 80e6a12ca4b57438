from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from budgets.figures import basic_spending_figures, project_spending_figures, total_spending

from ..selectors import get_evaluation_for_user, start_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: what waits for this person first, then everything they may see."""
    return render(request, "evaluations/home.html", start_page(request.user))


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    basic = basic_spending_figures(evaluation.basic_spending.all())
    project = project_spending_figures(evaluation.fund_sources.all(), evaluation.project_items.all())
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "basic": basic,
            "project": project,
            "total_spending": total_spending(basic, project),
        },
    )
