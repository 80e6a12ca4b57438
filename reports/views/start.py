import datetime
import hashlib
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from evaluations.campaigns import deadlines_for_unit
from evaluations.models import Campaign, Evaluation, Membership, StatusChange, Unit
from evaluations.outlines import known_regions
from evaluations.selectors import evaluations_visible_to, membership_of

from .. import summary as summary_rules
from .. import unit_states
from ..completeness import completeness_for
from ..departments import department_of

# Units a page of the bureau's list.
PAGE_SIZE = 50


def _today() -> datetime.date:
    # One clock for the start page, so a test can move it.
    return timezone.localdate()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: what waits for this person first, then everything they may see."""
    return render(request, "evaluations/home.html", _start_page(request.user, request.GET))


def _start_page(user: AbstractBaseUser | AnonymousUser, params: QueryDict) -> dict[str, Any]:
    """What each person's start page shows: first what waits for them, then everything they may see.

    - preparer: the unit's drafts and returned reports (with the reason it was returned), with their completeness;
    - preparer and head: the deadline of each open campaign (绩效自评工作) covering their unit, the days left, and
      已逾期 when it has passed and the report is not submitted; nothing when no campaign covers them;
    - head: the reports waiting for review, then the approved ones waiting to be published; the head of a
      department (主管部门) also the units' approved reports waiting for the department's review, a link to the
      department's summary, and the units' reports (once submitted) among everything they may see;
    - finance bureau and administrators: how many units are in each state in a year, and the units a page at a
      time, filtered (:func:`_bureau_start`); the bureau sees a draft as 未提交, exactly as if there were no report,
      because drafts do not exist outside their unit.
    """
    membership = membership_of(user)
    role = "admin" if user.is_superuser else (membership.role if membership else None)
    if role in {Membership.Role.BUREAU, "admin"}:
        return _bureau_start(role, membership, params)
    evaluations = list(evaluations_visible_to(user).order_by("-year", "unit__name"))
    waiting_statuses = {
        Membership.Role.PREPARER: [Evaluation.Status.DRAFT, Evaluation.Status.RETURNED],
        Membership.Role.HEAD: [
            Evaluation.Status.SUBMITTED,
            Evaluation.Status.APPROVED,
            Evaluation.Status.DEPT_APPROVED,
        ],
    }.get(role, [])
    own_unit_id = membership.unit_id if membership else None
    waiting = [
        evaluation
        for evaluation in evaluations
        if evaluation.status in waiting_statuses and (role != Membership.Role.HEAD or evaluation.unit_id == own_unit_id)
    ]
    department = department_of(user) if role == Membership.Role.HEAD else None
    if department is not None:
        waiting += _awaiting_department(department, evaluations)
    # The newest return of each returned report: what the preparer has to address (one query).
    returned_ids = [e.pk for e in evaluations if e.status == Evaluation.Status.RETURNED]
    reasons: dict[int, StatusChange] = {}
    for change in StatusChange.objects.filter(
        evaluation_id__in=returned_ids, to_status=Evaluation.Status.RETURNED
    ).order_by("at", "id"):
        reasons[change.evaluation_id] = change
    for evaluation in evaluations:
        evaluation.return_reason = reasons.get(evaluation.pk)

    context: dict[str, Any] = {
        "role": role,
        "membership": membership,
        "evaluations": evaluations,
        "waiting": waiting,
        "completeness": {},
        "overview": None,
        "deadlines": [],
        "department": department,
    }
    if role in {Membership.Role.PREPARER, Membership.Role.HEAD}:
        # Their own unit's reports: a department's head also sees its units' reports, which have other deadlines.
        own = [evaluation for evaluation in evaluations if evaluation.unit_id == own_unit_id]
        statuses = {evaluation.year: evaluation.status for evaluation in own}
        context["deadlines"] = deadlines_for_unit(membership.unit_id, statuses, _today())
        context["completeness"] = completeness_for(own)
        for evaluation in evaluations:
            evaluation.completeness = context["completeness"].get(evaluation.pk)
    return context


def _bureau_start(role: str, membership: Membership | None, params: QueryDict) -> dict[str, Any]:
    """The bureau's and administrators' start page: one year's units counted per state and listed 50 a page,
    filtered by state, region, 主管部门 and name (:func:`_overview`). The rendered overview is cached under the
    filters and the generation of the data it shows (:func:`reports.unit_states.generation`): a page already shown
    costs one query after the session, the user and the membership; otherwise five more, whatever the number of
    units."""
    sees_drafts = role == "admin"
    key = hashlib.sha256(repr((sees_drafts, unit_states.generation(), sorted(params.lists()))).encode()).hexdigest()
    return {
        "role": role,
        "membership": membership,
        "evaluations": [],
        "waiting": [],
        "completeness": {},
        "deadlines": [],
        "department": None,
        "bureau_start": True,
        # Read only when the template does not have the overview in its cache.
        "overview": SimpleLazyObject(lambda: _overview(sees_drafts, params)),
        "overview_key": key,
        "overview_kept": OVERVIEW_KEPT,
    }


# A unit renamed or moved to another region or department shows in the cached overview after this long at most;
# every transition, new report or new unit makes a new generation at once.
OVERVIEW_KEPT = 60


def _overview(sees_drafts: bool, params: QueryDict) -> dict[str, Any]:
    """The years, regions and departments to choose from, the counts (which also give the list's length) and the
    page: five queries."""
    years = unit_states.years()
    year = _int(params.get("year"))
    if year not in years:
        year = years[0] if years else _today().year - 1
    states = dict(unit_states.states_for(sees_drafts=sees_drafts))
    regions = known_regions()
    departments = summary_rules.departments()
    department = _int(params.get("department"))
    filters = unit_states.Filters(
        state=params.get("state", "") if params.get("state", "") in states else "",
        region=params.get("region", "") if params.get("region", "") in regions else "",
        department=department if department in {pk for pk, _name in departments} else None,
        search=params.get("q", "").strip()[:100],
    )
    units = unit_states.narrowed(unit_states.unit_states(year, sees_drafts=sees_drafts), filters)
    counts = unit_states.state_counts(year, filters, sees_drafts=sees_drafts)
    paginator = Paginator(unit_states.listed(units, filters, sees_drafts=sees_drafts), PAGE_SIZE)
    # The list's length is one of the counts just read: spare the paginator a second pass over the units.
    paginator.count = next((c.count for c in counts if c.state == filters.state), sum(c.count for c in counts))
    page = paginator.get_page(params.get("page"))
    links = _RowLinks()
    labels = {state: str(label) for state, label in states.items()}
    for row in page.object_list:
        row["state_label"] = labels.get(row["state"], row["state"])
        row["years_link"] = links.url("summary_unit_years", row["pk"])
        evaluation_id = row["evaluation_id"]
        if evaluation_id is not None:
            row["detail_link"] = links.url("evaluation_detail", evaluation_id)
            if row["state"] in _REVIEWABLE:
                row["review_link"] = links.url("workflow_review", evaluation_id)
            if row["state"] in _REVIEWABLE or row["state"] == Evaluation.Status.PUBLISHED:
                row["bureau_review_link"] = links.url("bureau_review", evaluation_id)
    # The filters as a query string: the pagination's links keep them, a count's link swaps the state.
    kept = {"year": year, "region": filters.region, "department": filters.department or "", "q": filters.search}
    kept = {key: value for key, value in kept.items() if value}
    return {
        "year": year,
        "years": years,
        "filters": filters,
        "counts": [
            {
                "state": c.state,
                "label": c.label,
                "count": c.count,
                "link": "?" + urlencode({**kept, "state": c.state}),
            }
            for c in counts
        ],
        "total": sum(count.count for count in counts),
        "all_link": "?" + urlencode(kept),
        "regions": regions,
        "departments": departments,
        "page": page,
        "query": urlencode({**kept, "state": filters.state} if filters.state else kept),
    }


# The states in which a report waits for a review (the head's, the department's or the bureau's).
_REVIEWABLE = {Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED, Evaluation.Status.DEPT_APPROVED}


class _RowLinks:
    """The rows' links, each URL pattern reversed once per page and its number filled in per row: reversing 150
    links one by one was a third of the page's Python time."""

    _PLACEHOLDER = 987654321

    def __init__(self) -> None:
        self._patterns: dict[str, str] = {}

    def url(self, name: str, pk: int) -> str:
        if name not in self._patterns:
            self._patterns[name] = reverse(name, args=[self._PLACEHOLDER])
        return self._patterns[name].replace(str(self._PLACEHOLDER), str(pk))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _awaiting_department(department: Unit, evaluations: list[Evaluation]) -> list[Evaluation]:
    """The department's own units' approved reports whose year's campaign asks for its review (one query)."""
    required = set(
        Campaign.objects.filter(requires_department_review=True, coverage__unit__parent_id=department.pk).values_list(
            "year", "coverage__unit_id"
        )
    )
    return [
        evaluation
        for evaluation in evaluations
        if evaluation.unit.parent_id == department.pk
        and evaluation.status == Evaluation.Status.APPROVED
        and (evaluation.year, evaluation.unit_id) in required
    ]
