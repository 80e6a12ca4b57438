"""Language selection: Simplified Chinese unless the reader chose another language with the switch."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
