from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors import start_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: what waits for this person first, then everything they may see."""
    return render(request, "evaluations/home.html", start_page(request.user))
