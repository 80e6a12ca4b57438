"""The finance bureau's self-evaluation work (绩效自评工作): open a year's work with its deadline, outline, scheme and
units, change it while it is open, and follow every covered unit's state (未开始, 草稿 … 已公开, 逾期) and reminders.
Only the bureau and administrators reach these pages."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evaluations import campaigns
from evaluations.forms import DateTextInput
from evaluations.models import Campaign, ReportOutline, ScoringScheme, Unit
from evaluations.outlines import known_regions, may_manage_outlines

PAGE_SIZE = 50


def _require_manager(request: HttpRequest) -> None:
    """The one access rule of these pages: the finance bureau and administrators."""
    if not may_manage_outlines(request.user):
        raise PermissionDenied


def _today() -> datetime.date:
    # One clock for these pages, so a test can move it.
    return timezone.localdate()


# ---------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------
ALL, REGION, PICK = "all", "region", "pick"
COVERAGE_CHOICES = [
    (ALL, gettext_lazy("全部预算单位")),
    (REGION, gettext_lazy("某一地区的单位")),
    (PICK, gettext_lazy("逐个选择单位")),
]
NO_REGION = gettext_lazy("请选择地区。")


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=gettext_lazy("截止日期"), widget=DateTextInput())
    outline = forms.ModelChoiceField(
        label=gettext_lazy("报告提纲"),
        queryset=ReportOutline.objects.all(),
        required=False,
        help_text=gettext_lazy("留空则按地区和年度的指定或系统默认提纲。"),
    )
    scheme = forms.ModelChoiceField(
        label=gettext_lazy("评分方案"),
        queryset=ScoringScheme.objects.all(),
        required=False,
        help_text=gettext_lazy("留空则按地区和年度的指定或全国通用方案。"),
    )
    remind_days_before = forms.IntegerField(label=gettext_lazy("提前提醒天数"), min_value=0, max_value=60, initial=3)
    requires_department_review = forms.BooleanField(
        label=gettext_lazy("须经主管部门审核"),
        required=False,
        help_text=gettext_lazy("勾选后，有主管部门的单位的报告经单位审核后，须由主管部门审核通过才能公开。"),
    )
    coverage = forms.ChoiceField(
        label=gettext_lazy("覆盖单位"), choices=COVERAGE_CHOICES, widget=forms.RadioSelect, initial=ALL
    )
    region = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("选择单位"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *((region, region) for region in known_regions())]
        if editing:
            # The year is what a campaign is; changing it would be another campaign.
            del self.fields["year"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        coverage = data.get("coverage")
        if coverage == ALL:
            data["unit_ids"] = list(Unit.objects.values_list("pk", flat=True))
        elif coverage == REGION:
            if not data.get("region"):
                self.add_error("region", NO_REGION)
            data["unit_ids"] = list(Unit.objects.filter(region=data.get("region")).values_list("pk", flat=True))
        else:
            data["unit_ids"] = [unit.pk for unit in data.get("units") or []]
        return data


def _service_kwargs(form: CampaignForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "deadline": data["deadline"],
        "units": data["unit_ids"],
        "outline": data["outline"],
        "scheme": data["scheme"],
        "remind_days_before": data["remind_days_before"],
        "requires_department_review": data["requires_department_review"],
    }


def _add_errors(form: CampaignForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
@login_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every year's work, newest first, with its deadline and the number of units it covers."""
    _require_manager(request)
    rows = Campaign.objects.annotate(unit_count=Count("coverage")).order_by("-year")
    return render(request, "campaigns/list.html", {"campaigns": rows, "today": _today()})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_open(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = CampaignForm(request.POST if request.method == "POST" else None, initial={"year": _today().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.open_campaign(
                actor=request.user, year=form.cleaned_data["year"], today=_today(), **_service_kwargs(form)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已发起%(campaign)s。") % {"campaign": campaign})
            return redirect("campaign_detail", campaign.year)
    return render(request, "campaigns/form.html", {"form": form}, status=422 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, year: int) -> HttpResponse:
    _require_manager(request)
    campaign = get_object_or_404(Campaign, year=year)
    initial = {
        "deadline": campaign.deadline,
        "outline": campaign.outline_id,
        "scheme": campaign.scheme_id,
        "remind_days_before": campaign.remind_days_before,
        "requires_department_review": campaign.requires_department_review,
        "coverage": PICK,
        "units": list(campaign.coverage.values_list("unit_id", flat=True)),
    }
    form = CampaignForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.change_campaign(campaign=campaign, actor=request.user, today=_today(), **_service_kwargs(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存%(campaign)s的修改。") % {"campaign": campaign})
            return redirect("campaign_detail", campaign.year)
    return render(
        request, "campaigns/form.html", {"form": form, "campaign": campaign}, status=422 if form.is_bound else 200
    )


@login_required
@require_POST
def campaign_close(request: HttpRequest, year: int) -> HttpResponse:
    _require_manager(request)
    campaign = get_object_or_404(Campaign, year=year)
    try:
        campaigns.close_campaign(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(campaign)s已结束，不再发送提醒。") % {"campaign": campaign})
    return redirect("campaign_detail", campaign.year)


FILTERS = [("", gettext_lazy("全部")), *campaigns.STATE_LABELS.items(), (campaigns.OVERDUE, gettext_lazy("逾期"))]


@login_required
@require_safe
def campaign_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The covered units, a page at a time, with their state, 逾期 and reminders; filtered by state. The same number
    of queries whatever the number of units."""
    _require_manager(request)
    campaign = get_object_or_404(
        Campaign.objects.select_related("outline", "scheme", "opened_by", "changed_by"), year=year
    )
    today = _today()
    state = request.GET.get("state", "")
    if state not in dict(FILTERS):
        state = ""
    counts = campaigns.state_counts(campaign, today=today)
    page = Paginator(campaigns.unit_rows(campaign, today=today, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = campaigns.label_rows(page.object_list, campaign, today, sees_drafts=request.user.is_superuser)
    filters = [(key, label, counts[key]) for key, label in FILTERS]
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "today": today,
            "days_left": campaigns.days_left(campaign.deadline, today),
            "past_deadline": today > campaign.deadline,
            "state": state,
            "filters": filters,
            "page": page,
            "page_query": urlencode({"state": state}),
            "rows": rows,
        },
    )
