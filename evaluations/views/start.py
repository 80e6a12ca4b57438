from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from budgets.figures import basic_spending_figures, project_spending_figures, total_spending

from ..selectors import evaluations_visible_to, get_evaluation_for_user, membership_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    evaluations = evaluations_visible_to(request.user).order_by("-year", "unit__name")
    return render(
        request,
        "evaluations/home.html",
        {"evaluations": evaluations, "membership": membership_of(request.user)},
    )


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
