"""What a locked-out sign-in sees (django-axes' AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """The sign-in page again, status 429, saying when to try again. The cool-off runs from the last failed attempt,
    which is this one, so the time is now plus the cool-off. The admin's sign-in page gets the same page: one place
    that tells people what happened."""
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    username = (credentials or {}).get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    message = _("登录失败次数过多，账号或所在网络已被暂时锁定。请于 %(time)s 之后再试，或请系统管理员解除锁定。") % {
        "time": retry_at.strftime("%H:%M")
    }
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
