"""Sign-in throttling (django-axes): whose address an attempt came from, and what a locked-out sign-in sees."""

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


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address a sign-in came from. Behind TRUSTED_PROXY_COUNT reverse proxies, each of
    which appends the address it received the request from to X-Forwarded-For, the client is the N-th entry from
    the end; entries before it were written by the client and prove nothing (a guesser would put a new address
    there with every attempt)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
