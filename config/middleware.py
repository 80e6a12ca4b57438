"""Language selection: Simplified Chinese unless the reader chose another language with the switch."""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import cc_delim_re


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

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if getattr(response, "language_independent", False):
            # The same bytes in every language: a Vary on Accept-Language would only split caches.
            vary = [value for value in cc_delim_re.split(response.get("Vary", "")) if value]
            kept = [value for value in vary if value.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


def language_independent(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Mark a view's responses as the same in every language (stored files): no ``Vary: Accept-Language``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs) -> HttpResponseBase:
        response = view(*args, **kwargs)
        response.language_independent = True
        return response

    return wrapper
