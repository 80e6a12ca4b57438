"""Project-wide pages that belong to no app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: in practice the form was opened long ago (the token expired with the session), so the
    reader is told to go back and reload, in Chinese, instead of Django's technical English page."""
    return render(request, "403_csrf.html", status=403)
