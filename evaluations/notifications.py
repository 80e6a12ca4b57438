"""E-mail to the people whose turn it is. Called from ``transaction.on_commit`` by the workflow services, so nobody
is told about a change that was rolled back. The console backend prints them unless a real backend is configured.

    submitted → the heads of the unit           returned → the preparer who submitted it
    approved  → the preparers of the unit       published → the preparers of the unit
    reopened for correction → the preparers of the unit
    approved, when the department reviews → the head of the unit's department (主管部门)
    passed by the department → the head and preparers of the unit
    the bureau's review (复核) released → the preparers and head of the unit
    campaign reminder → the preparers and head of a unit that has not submitted (evaluations.campaigns)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Campaign, Evaluation, Membership, Publication, Reminder, Unit

logger = logging.getLogger(__name__)


def _in_site_language(function: Callable[..., int]) -> Callable[..., int]:
    # The e-mail goes to other people, whose language we do not know: the site's language, not the sender's.
    @functools.wraps(function)
    def wrapper(*args, **kwargs) -> int:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _unit_staff(evaluation: Evaluation, role: str) -> list[AbstractBaseUser]:
    return list(
        get_user_model().objects.filter(membership__unit_id=evaluation.unit_id, membership__role=role, is_active=True)
    )


def _send(recipients: Iterable[AbstractBaseUser], subject: str, body: str, *, actor: AbstractBaseUser) -> int:
    # Nobody needs an e-mail about what they have just done themselves.
    addresses = sorted({user.email for user in recipients if user.email and user.pk != actor.pk})
    if not addresses:
        return 0
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    try:
        return send_mass_mail(messages, fail_silently=False)
    except Exception:
        # The transition is committed; a mail server that is down must not turn it into an error page.
        logger.exception("Sending %r failed", subject)
        return 0


def _where(evaluation: Evaluation) -> str:
    # Absolute: a mail is read outside the site, where a bare path leads nowhere.
    return _("报告页面：%(url)s") % {"url": _absolute(reverse("evaluation_detail", args=[evaluation.pk]))}


@_in_site_language
def submitted(evaluation: Evaluation, actor: AbstractBaseUser) -> int:
    subject = _("【待审核】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("%(name)s 已提交 %(title)s，请审核。") % {"name": _name(actor), "title": evaluation.title},
            _where(evaluation),
        ]
    )
    return _send(_unit_staff(evaluation, Membership.Role.HEAD), subject, body, actor=actor)


@_in_site_language
def returned(evaluation: Evaluation, actor: AbstractBaseUser, reason: str, submitter_id: int | None) -> int:
    recipients = get_user_model().objects.filter(pk=submitter_id, is_active=True) if submitter_id else []
    subject = _("【已退回】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("%(name)s 退回了 %(title)s。") % {"name": _name(actor), "title": evaluation.title},
            _("退回原因：%(reason)s") % {"reason": reason},
            _where(evaluation),
        ]
    )
    return _send(recipients, subject, body, actor=actor)


@_in_site_language
def approved(evaluation: Evaluation, actor: AbstractBaseUser) -> int:
    subject = _("【已审核】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("%(name)s 已审核通过 %(title)s，待公开。") % {"name": _name(actor), "title": evaluation.title},
            _where(evaluation),
        ]
    )
    return _send(_unit_staff(evaluation, Membership.Role.PREPARER), subject, body, actor=actor)


@_in_site_language
def awaiting_department(evaluation: Evaluation, actor: AbstractBaseUser) -> int:
    recipients = get_user_model().objects.filter(
        membership__unit_id=evaluation.unit.parent_id, membership__role=Membership.Role.HEAD, is_active=True
    )
    subject = _("【待主管部门审核】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("%(name)s 已审核通过 %(title)s，请主管部门审核。") % {"name": _name(actor), "title": evaluation.title},
            _where(evaluation),
        ]
    )
    return _send(recipients, subject, body, actor=actor)


@_in_site_language
def department_approved(evaluation: Evaluation, actor: AbstractBaseUser) -> int:
    recipients = get_user_model().objects.filter(membership__unit_id=evaluation.unit_id, is_active=True)
    subject = _("【主管部门已审核】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("主管部门 %(name)s 已审核通过 %(title)s，单位负责人可以公开。")
            % {"name": _name(actor), "title": evaluation.title},
            _where(evaluation),
        ]
    )
    return _send(recipients, subject, body, actor=actor)


@_in_site_language
def published(evaluation: Evaluation, actor: AbstractBaseUser, publication: Publication) -> int:
    subject = _("【已公开】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("%(name)s 已公开 %(title)s（第%(version)s版）。")
            % {"name": _name(actor), "title": evaluation.title, "version": publication.version},
            _("公开页面：%(url)s") % {"url": _absolute(reverse("publication_detail", args=[publication.pk]))},
            _("PDF 的 SHA-256：%(sha)s") % {"sha": publication.pdf_sha256},
        ]
    )
    return _send(_unit_staff(evaluation, Membership.Role.PREPARER), subject, body, actor=actor)


@_in_site_language
def reopened(evaluation: Evaluation, actor: AbstractBaseUser, reason: str) -> int:
    subject = _("【发起更正】%(title)s") % {"title": evaluation.title}
    body = "\n\n".join(
        [
            _("%(name)s 对已公开的 %(title)s 发起更正，报告已退回修改；已公开的版本在更正版公开前保持不变。")
            % {"name": _name(actor), "title": evaluation.title},
            _("更正原因：%(reason)s") % {"reason": reason},
            _where(evaluation),
        ]
    )
    return _send(_unit_staff(evaluation, Membership.Role.PREPARER), subject, body, actor=actor)


@_in_site_language
def review_released(evaluation: Evaluation, actor: AbstractBaseUser, total: str, grade: str) -> int:
    """The bureau has released its review (复核) of the unit's report. ``total`` and ``grade`` as shown (the review
    lives in the reports layer, above this one)."""
    subject = _("【财政复核】%(title)s") % {"title": evaluation.title}
    lines = [_("%(name)s 已发布 %(title)s 的复核结果。") % {"name": _name(actor), "title": evaluation.title}]
    if total:
        lines.append(_("复核得分：%(total)s分，等级：%(grade)s") % {"total": total, "grade": grade})
    lines.append(_where(evaluation))
    recipients = _unit_staff(evaluation, Membership.Role.PREPARER) + _unit_staff(evaluation, Membership.Role.HEAD)
    return _send(recipients, subject, "\n\n".join(lines), actor=actor)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@_in_site_language
def campaign_reminder(campaign: Campaign, unit: Unit, step: str, recipients: list[str], *, today: date) -> int:
    """The reminder of a campaign to a unit that has not submitted, to its preparers and head. Unlike the workflow
    e-mails it raises when the mail server refuses: the reminder command then rolls its record back and the next run
    tries again."""
    if step == Reminder.Step.OVERDUE:
        subject = _("【已逾期】%(unit)s%(year)s年度绩效自评尚未提交") % {"unit": unit.name, "year": campaign.year}
        first = _("%(year)s年度部门整体支出绩效自评的截止日期 %(deadline)s 已过，贵单位尚未提交，请尽快完成并提交。")
    else:
        subject = _("【即将截止】%(unit)s%(year)s年度绩效自评尚未提交") % {"unit": unit.name, "year": campaign.year}
        first = _(
            "%(year)s年度部门整体支出绩效自评将于 %(deadline)s 截止（还有%(days)s天），"
            "贵单位尚未提交，请按时完成并提交。"
        )
    body = "\n\n".join(
        [
            first
            % {
                "year": campaign.year,
                "deadline": campaign.deadline.isoformat(),
                "days": (campaign.deadline - today).days,
            },
            _("登录填报：%(url)s") % {"url": _absolute(reverse("home"))},
            _("本邮件由系统自动发送，每个提醒只发送一次。"),
        ]
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)
