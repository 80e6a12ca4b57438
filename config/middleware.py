"""Project middleware: the interface language the reader chose, and no caching of staff pages."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware also follows the browser's Accept-Language header. Many staff machines run an
    English browser, and the tool is a Chinese one: only the reader's explicit choice (the language cookie set by
    the switch in the header) changes the interface language."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # A file that is the same in every language (the open data) is not marked as varying with the reader's
        # language, so shared caches keep one copy.
        if getattr(response, "language_independent", False):
            return response
        return super().process_response(request, response)


# The signed-in part of the site. Anything under these prefixes can show a draft, a person's name or a form.
PRIVATE_PREFIXES = ("/app/", "/admin/", "/accounts/")


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every staff page: a shared proxy must never keep a draft report, and
    the browser must not show it from its cache after sign-out (the back button on a shared office computer).
    Staff pages are those under the signed-in prefixes and any page served to a signed-in person; the public
    portal served to an anonymous reader keeps its own caching headers (ETag, Last-Modified)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) or self._signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        # Without a session cookie nobody is signed in: looking at request.user would touch the session and add
        # "Vary: Cookie" to every anonymous portal response.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


class IdleSessionMiddleware:
    """Idle timeout: a signed-in person's session is saved again (which moves its expiry, SESSION_COOKIE_AGE, on
    from now) when their last recorded activity is older than REFRESH_SECONDS. The session thus ends between
    SESSION_COOKIE_AGE and SESSION_COOKIE_AGE + REFRESH_SECONDS after the last request, at the cost of one session
    write every few minutes instead of one per request (SESSION_SAVE_EVERY_REQUEST)."""

    REFRESH_SECONDS = 300
    KEY = "_last_activity"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if PrivatePagesMiddleware._signed_in(request):
            now = time.time()
            last = request.session.get(self.KEY)
            if last is None and request.user.last_login is not None:
                # Signing in saved the session a moment ago: that counts as activity.
                last = request.user.last_login.timestamp()
            if last is None or now - last >= self.REFRESH_SECONDS:
                request.session[self.KEY] = int(now)
        return response
