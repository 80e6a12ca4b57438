"""Published PDFs answered like static files: before the session, language, CSRF and authentication middleware.

A download is public, reads no cookie and is the same in every language, yet the ordinary chain loads the session,
activates a language, checks CSRF and builds the user for it: that costs more than the two small queries that find
the file. Placed right after whitenoise, this answers a download of a version whose file is not held back with
exactly the view's response (reports.views.portal.stored_pdf_response). Everything else it does not answer itself,
an unknown version (the Chinese 404 page), a file held back after a failed integrity check (the 503 page), any
other method, goes down the ordinary chain to the view, which renders those pages with the full request."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from .publication import stored_file
from .views.portal import stored_pdf_response


class PublishedFilesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self._path: re.Pattern[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in ("GET", "HEAD"):
            match = self.path.match(request.path)
            if match is not None:
                publication = stored_file(int(match.group(1)))
                if publication is not None and not publication.failed_check:
                    return stored_pdf_response(request, publication)
        return self.get_response(request)

    @property
    def path(self) -> re.Pattern[str]:
        # The download's address from the URL configuration (its one home), read on first use: the URLconf may
        # not be importable yet when the middleware is built.
        if self._path is None:
            sample = reverse("publication_pdf", args=[1234567])
            before, after = sample.split("1234567")
            self._path = re.compile(rf"^{re.escape(before)}(\d+){re.escape(after)}$")
        return self._path
