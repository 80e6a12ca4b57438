"""The history of every content change: who changed which row of an evaluation, when, from what to what, and
through which path (the editor, an Excel import, the admin, a new year, a call from code).

The rows are kept by django-simple-history: every content model declares ``history = content_history()`` and gets a
historical table beside it, with one row per insert, update and delete. It was chosen over django-pghistory because
it works the same on SQLite, the zero-configuration database, and on PostgreSQL; pghistory's triggers exist only on
PostgreSQL. Its one gap, bulk writes, which send no signals, is closed here: the list writer (:mod:`evaluations.rows`)
writes through :func:`create_rows` and :func:`update_rows`, which record the rows in the same statement count.
Deletes go through Django's collector, which sends a signal per row, so they are recorded too.

Who and which path are not guessed from a request: :func:`evaluations.services.content_change`, the gate of every
content change, opens :func:`recording` with the acting user, and each entry point names its path by opening
``recording`` around its call (the editor's views, the import, the admin, a new year). A service called from a shell
or a script is recorded as ``Via.SERVICE``; a write outside any service (a data fix) still is, with no user.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


class Via(models.TextChoices):
    """The path a change came through."""

    EDITOR = "editor", _("编辑页面")
    IMPORT = "import", _("Excel导入")
    ADMIN = "admin", _("管理后台")
    NEW_YEAR = "new_year", _("新建年度")
    SERVICE = "service", _("程序调用")


@dataclass(frozen=True)
class _Recording:
    actor: Any
    via: str


_current: ContextVar[_Recording | None] = ContextVar("content_history_recording", default=None)


@contextmanager
def recording(*, actor: Any, via: str) -> Iterator[None]:
    """Attribute every content change made inside the block to ``actor`` and ``via``."""
    token = _current.set(_Recording(actor if getattr(actor, "is_authenticated", False) else None, via))
    try:
        yield
    finally:
        _current.reset(token)


def current_actor() -> Any:
    current = _current.get()
    return current.actor if current else None


def current_via() -> str:
    current = _current.get()
    return current.via if current else Via.SERVICE


class HistoricalContent(models.Model):
    """Base of every historical table: the path, beside simple-history's own who, when and what."""

    history_via = models.CharField(_("修改途径"), max_length=20, choices=Via.choices, default=Via.SERVICE)

    class Meta:
        abstract = True


def _history_user(request: Any = None, **kwargs: Any) -> Any:
    return current_actor()


def content_history(*, excluded_fields: Sequence[str] = ()) -> HistoricalRecords:
    """The historical table of one content model."""
    return HistoricalRecords(
        bases=[HistoricalContent],
        get_user=_history_user,
        excluded_fields=list(excluded_fields),
        user_related_name="+",
    )


@receiver(pre_create_historical_record)
def _record_via(sender: Any, history_instance: HistoricalContent, **kwargs: Any) -> None:
    # Single saves and deletes pass through here; bulk writes set the field themselves (custom_historical_attrs).
    history_instance.history_via = current_via()


def create_rows(model: type[models.Model], objs: Iterable[models.Model]) -> list[models.Model]:
    """``bulk_create`` with one historical row per new row, in one more statement."""
    objs = list(objs)
    if not objs:
        return []
    return bulk_create_with_history(
        objs, model, default_user=current_actor(), custom_historical_attrs={"history_via": current_via()}
    )


def update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Iterable[str]) -> None:
    """``bulk_update`` with one historical row per changed row, in one more statement."""
    if not objs:
        return
    bulk_update_with_history(
        list(objs),
        model,
        sorted(fields),
        default_user=current_actor(),
        custom_historical_attrs={"history_via": current_via()},
    )
