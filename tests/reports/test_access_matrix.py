"""Every URL pattern of the project × persona × report state → the status one policy table expects.

The table is the policy. A URL pattern that has no entry fails the test, so nobody can add a page without saying
who may open it. Other units' drafts and unpublished states are 404, never 403: they do not exist for the person
asking. Each request runs inside a savepoint that is rolled back, so every cell starts from the same data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from unittest import mock

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluations.campaigns import open_campaign
from evaluations.models import (
    Evaluation,
    OutlineAssignment,
    Publication,
    ReportOutline,
    SchemeAssignment,
    ScoringScheme,
)
from evaluations.outlines import copy_outline
from evaluations.scoring_schemes import copy_scheme
from tests.base import DepartmentSeedTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status
STATES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.DEPT_APPROVED, Status.PUBLISHED]
# 周伟 heads unit A's department (主管部门); 孙丽 heads another department, with unit B under it.
PERSONAS = ["anonymous", "wangfang", "liqiang", "zhaomin", "chenjing", "zhouwei", "sunli", "admin"]
UNIT_A_STAFF = {"wangfang", "liqiang"}
DEPARTMENT_HEADS = {"zhouwei", "sunli"}
# Read-only readers of unit A's submitted reports: the bureau and unit A's department.
READERS = {"chenjing", "zhouwei"}
EDITABLE = {Status.DRAFT, Status.RETURNED}
LOGIN = "login"  # a redirect to the sign-in page
EXCLUDED_PREFIXES = ("admin/", "i18n/", "static/", "media/")


def sees(persona: str, state: str) -> bool:
    """evaluations.selectors.evaluations_visible_to, restated: the unit's staff and administrators see every state,
    the finance bureau and the unit's department every state but draft, everyone else (another department too)
    nothing."""
    return persona in UNIT_A_STAFF or persona == "admin" or (persona in READERS and state != Status.DRAFT)


Rule = Callable[[str, str], object]


def signed_in(rule: Rule) -> Rule:
    return lambda persona, state: LOGIN if persona == "anonymous" else rule(persona, state)


def read(ok: object = 200) -> Rule:
    """Anyone who can see the evaluation may read it."""
    return signed_in(lambda persona, state: ok if sees(persona, state) else 404)


def unit_staff_while_editable(ok: object, locked: object, bureau: object = frozenset({403, 422})) -> Rule:
    """Editor and spreadsheet upload: the unit's staff (and administrators) while the report is editable."""

    def rule(persona: str, state: str) -> object:
        if not sees(persona, state):
            return 404
        if persona in READERS:
            return bureau
        return ok if state in EDITABLE else locked

    return signed_in(rule)


# The workflow policy (reports.workflow), restated: transition → states it starts from → who may take it. The
# matrix's year asks for the department's review (a campaign of 2024 with requires_department_review), so unit A's
# approved report goes through 周伟 before 李强 may publish it.
UNIT_REVIEWED = {Status.SUBMITTED, Status.APPROVED, Status.DEPT_APPROVED}
TRANSITIONS = {
    "submit": ({Status.DRAFT, Status.RETURNED}, {"wangfang", "liqiang"}, Status.SUBMITTED),
    "approve": ({Status.SUBMITTED}, {"liqiang"}, Status.APPROVED),
    "department_approve": ({Status.APPROVED}, {"zhouwei"}, Status.DEPT_APPROVED),
    "return": (UNIT_REVIEWED, {"liqiang", "chenjing", "zhouwei"}, Status.RETURNED),
    "publish": ({Status.DEPT_APPROVED}, {"liqiang", "admin"}, Status.PUBLISHED),
    "reopen": ({Status.PUBLISHED}, {"liqiang", "admin"}, Status.RETURNED),
}


def may(transition: str, persona: str, state: str) -> bool:
    states, people, _ = TRANSITIONS[transition]
    if transition == "return" and persona == "zhouwei":
        # The department returns what it reviews: only after the unit's approval.
        states = {Status.APPROVED, Status.DEPT_APPROVED}
    return state in states and persona in people


def transition_post(name: str) -> Rule:
    """302 back to the overview either way; the state moves only when the policy allows it."""
    _, _, to_status = TRANSITIONS[name]
    return signed_in(
        lambda persona, state: (
            404 if not sees(persona, state) else ("moved", to_status) if may(name, persona, state) else ("stays",)
        )
    )


def reason_form_get(name: str) -> Rule:
    return signed_in(
        lambda persona, state: 404 if not sees(persona, state) else 200 if may(name, persona, state) else ("stays",)
    )


def public(ok: object = 200) -> Rule:
    """The portal: everyone, but only what has been published."""
    return lambda persona, state: ok if state == Status.PUBLISHED else 404


def department_head(ok: object) -> Rule:
    """The department's own pages: the heads of units that have units under them; everyone else is refused."""
    return signed_in(lambda persona, state: ok if persona in DEPARTMENT_HEADS else 403)


def outline_manager(ok: object) -> Rule:
    """Outline and scoring-scheme pages: the same in every report state, for the bureau and administrators only."""
    return signed_in(lambda persona, state: ok if persona in {"chenjing", "admin"} else 403)


def bureau_reviewer(ok: object, refused: object | None = None) -> Rule:
    """The bureau's review (复核) pages: the bureau (which sees no drafts) and administrators; everyone else gets 404,
    so an unreleased review cannot be found. ``refused``: a save outside submitted/approved (by the unit or also by
    its department)/published."""
    reviewable = {Status.SUBMITTED, Status.APPROVED, Status.DEPT_APPROVED, Status.PUBLISHED}

    def rule(persona: str, state: str) -> object:
        if persona not in {"chenjing", "admin"} or not sees(persona, state):
            return 404
        return ok if refused is None or state in reviewable else refused

    return signed_in(rule)


# A complete save of the narrative section: whether it lands is the "edits refused after submission" check.
EDITED_PROBLEMS = "访问矩阵写入的问题分析。"
NARRATIVE_EDIT = {"page-revision": "0", "narrative-problems": EDITED_PROBLEMS, "narrative-measures": "措施"}


@dataclass(frozen=True)
class Entry:
    get: Rule | None = None
    post: Rule | None = None
    post_data: dict | None = None


# One line per URL name. GET and POST that a view does not accept are 405 and are not listed.
POLICY: dict[str, Entry] = {
    # Public portal
    "portal": Entry(get=lambda persona, state: 200),
    "portal_units": Entry(get=lambda persona, state: 200),  # the search box's suggestions, for everyone
    "publication_detail": Entry(get=public()),
    "publication_pdf": Entry(get=public()),
    "favicon": Entry(get=lambda persona, state: 301),  # to the static icon, for everyone
    # Open data: the index and the schema for everyone; a version's files and a year's only once published.
    "open_data_index": Entry(get=lambda persona, state: 200),
    "open_data_schema": Entry(get=lambda persona, state: 200),
    "publication_data_json": Entry(get=public()),
    "publication_data_csv": Entry(get=public()),
    "open_data_year_json": Entry(get=public()),
    "open_data_year_csv": Entry(get=public()),
    # Accounts
    "login": Entry(get=lambda persona, state: 200 if persona == "anonymous" else 302),
    "logout": Entry(post=lambda persona, state: LOGIN),
    # Start page and editor
    "home": Entry(get=signed_in(lambda persona, state: 200)),
    "evaluation_detail": Entry(get=read()),
    "evaluation_create": Entry(
        get=signed_in(
            lambda persona, state: 200 if persona in UNIT_A_STAFF | DEPARTMENT_HEADS | {"zhaomin"} else 403
        )
    ),
    "evaluation_section": Entry(
        get=read(), post=unit_staff_while_editable(ok=("edited", 302), locked=422), post_data=NARRATIVE_EDIT
    ),
    "evaluation_section_figures": Entry(post=read()),
    # Spreadsheets
    "evaluation_excel_template": Entry(get=read()),
    "evaluation_excel_export": Entry(get=read()),
    "evaluation_excel_upload": Entry(
        get=unit_staff_while_editable(ok=200, locked=200), post=unit_staff_while_editable(ok=200, locked=409)
    ),
    "evaluation_excel_confirm": Entry(post=unit_staff_while_editable(ok=302, locked=302)),
    # Report
    "evaluation_report": Entry(get=read()),
    "evaluation_report_pdf": Entry(get=read()),
    # Workflow
    "workflow_review": Entry(get=read()),
    "workflow_submit": Entry(post=transition_post("submit")),
    "workflow_approve": Entry(post=transition_post("approve")),
    "workflow_department_approve": Entry(post=transition_post("department_approve")),
    "workflow_return": Entry(
        get=reason_form_get("return"), post=transition_post("return"), post_data={"comment": "请补充"}
    ),
    # GET is the confirmation page; its form posts the submission it confirmed.
    "workflow_publish": Entry(
        get=reason_form_get("publish"), post=transition_post("publish"), post_data={"submission": "0"}
    ),
    "workflow_publish_preview": Entry(get=read()),
    "workflow_reopen": Entry(
        get=reason_form_get("reopen"), post=transition_post("reopen"), post_data={"comment": "更正"}
    ),
    # Report outlines: the finance bureau and administrators; unit staff are signed in but not allowed.
    "outline_list": Entry(get=outline_manager(200)),
    "outline_edit": Entry(get=outline_manager(200), post=outline_manager(422)),
    "outline_copy": Entry(get=outline_manager(200), post=outline_manager(302), post_data={"name": "访问矩阵副本"}),
    "outline_assign": Entry(post=outline_manager(422)),
    "outline_unassign": Entry(post=outline_manager(302)),
    # Scoring schemes: the same people. The preview reads the seed unit's report only where the reader may see it.
    "scheme_list": Entry(get=outline_manager(200)),
    "scheme_edit": Entry(get=outline_manager(200), post=outline_manager(422)),
    "scheme_copy": Entry(get=outline_manager(200), post=outline_manager(302), post_data={"name": "访问矩阵方案副本"}),
    "scheme_preview": Entry(get=outline_manager(200)),
    "scheme_assign": Entry(post=outline_manager(422)),
    "scheme_unassign": Entry(post=outline_manager(302)),
    # The bureau's self-evaluation work: unit staff are refused (403), whatever the state of their report.
    "campaign_list": Entry(get=outline_manager(200)),
    "campaign_open": Entry(get=outline_manager(200), post=outline_manager(422)),
    "campaign_detail": Entry(get=outline_manager(200)),
    "campaign_edit": Entry(get=outline_manager(200), post=outline_manager(422)),
    "campaign_close": Entry(post=outline_manager(302)),
    # The department's summary of its units: their heads only (the bureau has its own summary).
    "department_summary": Entry(get=department_head(200)),
    # The bureau's review: its page and save, the release's confirmation (back to the page while there is nothing
    # to release) and the release, withdrawing a release.
    "bureau_review": Entry(get=bureau_reviewer(200), post=bureau_reviewer(302, refused=422)),
    "bureau_review_release": Entry(get=bureau_reviewer(302), post=bureau_reviewer(302)),
    "bureau_review_withdraw": Entry(post=bureau_reviewer(302)),
    # The bureau's summary table of a year, its exports and a unit's years: unit staff are refused (403).
    "summary_latest": Entry(get=outline_manager(302)),
    "summary": Entry(get=outline_manager(200)),
    "summary_xlsx": Entry(get=outline_manager(200)),
    "summary_sheets": Entry(get=outline_manager(200)),
    "summary_zip": Entry(get=outline_manager(200)),
    "summary_unit_years": Entry(get=outline_manager(200)),
}  # fmt: skip

# Sample values for URL parameters other than pk, per URL name.
URL_ARGUMENTS = {
    "evaluation_section": {"section": "narrative"},
    "evaluation_section_figures": {"section": "basic"},
    **{name: {"year": 2030} for name in ("campaign_detail", "campaign_edit", "campaign_close")},
    **{name: {"year": 2024} for name in ("summary", "summary_xlsx", "summary_sheets", "summary_zip")},
    **{name: {"year": 2024} for name in ("open_data_year_json", "open_data_year_csv")},
}


def project_url_names() -> list[tuple[str, list[str]]]:
    """(name, parameter names) of every named URL pattern outside admin/, i18n/ and static files."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"{route} has no name, so the access policy cannot name it"
                found.append((pattern.name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


class AccessMatrixTests(TemporaryPublicationsStore, DepartmentSeedTestCase):
    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The report's year asks for the department's review.
        open_campaign(
            actor=cls.chenjing,
            year=2024,
            deadline=date(2025, 5, 31),
            units=[cls.unit_a, cls.unit_b],
            today=date(2025, 1, 1),
            requires_department_review=True,
        )
        cls.people = {
            "wangfang": cls.wangfang,
            "liqiang": cls.liqiang,
            "zhaomin": cls.zhaomin,
            "chenjing": cls.chenjing,
            "zhouwei": cls.zhouwei,
            "sunli": cls.sunli,
            "admin": cls.admin,
        }
        # The bureau's own outline (its edit page takes a post) and a choice of outline to cancel.
        shipped = ReportOutline.objects.get(builtin="hunan")
        cls.own_outline = copy_outline(shipped, name="渌口区提纲")
        cls.assignment = OutlineAssignment.objects.create(region="湖南省株洲市渌口区", year=2030, outline=shipped)
        # The same for scoring schemes.
        national = ScoringScheme.objects.get(builtin="national")
        cls.own_scheme = copy_scheme(national, name="渌口区评分方案")
        cls.scheme_assignment = SchemeAssignment.objects.create(region="湖南省株洲市渌口区", year=2030, scheme=national)
        # A year's self-evaluation work covering unit A (of another year than the report, so it changes nothing).
        cls.campaign = open_campaign(
            actor=cls.chenjing, year=2030, deadline=date(2031, 5, 31), units=[cls.unit_a], today=date(2031, 1, 1)
        )

    def test_every_url_pattern_has_a_policy(self):
        missing = sorted({name for name, _ in project_url_names()} - set(POLICY))
        self.assertEqual(missing, [], "URL patterns with no entry in the access policy table")
        stale = sorted(set(POLICY) - {name for name, _ in project_url_names()})
        self.assertEqual(stale, [], "policy entries for URL names that no longer exist")

    def url_for(self, name: str, parameters: list[str], state: str) -> str:
        kwargs = {}
        for parameter in parameters:
            if parameter == "pk" and name == "scheme_unassign":
                kwargs["pk"] = self.scheme_assignment.pk
            elif parameter == "pk" and name.startswith("scheme_"):
                kwargs["pk"] = self.own_scheme.pk
            elif parameter == "pk" and name == "outline_unassign":
                kwargs["pk"] = self.assignment.pk
            elif parameter == "pk" and name.startswith("outline_"):
                kwargs["pk"] = self.own_outline.pk
            elif parameter == "pk" and name == "summary_unit_years":
                kwargs["pk"] = self.unit_a.pk
            elif parameter == "pk" and name.startswith("publication_"):
                publication = Publication.objects.filter(evaluation=self.evaluation).first()
                kwargs["pk"] = publication.pk if publication else 999_999
            elif parameter == "pk":
                kwargs["pk"] = self.evaluation.pk
            else:
                kwargs[parameter] = URL_ARGUMENTS[name][parameter]
        return reverse(name, kwargs=kwargs)

    def put_in_state(self, state: str) -> None:
        self.set_status(state)
        if state == Status.PUBLISHED:
            Evaluation.objects.filter(pk=self.evaluation.pk).update(status=Status.DEPT_APPROVED)
            self.evaluation.refresh_from_db()
            from reports import workflow

            workflow.publish(evaluation=self.evaluation, actor=self.admin)

    def outcome(self, response, state: str) -> object:
        status = response.status_code
        if status == 302 and "/accounts/login/" in response["Location"]:
            return LOGIN
        return status

    def check(self, name: str, parameters: list[str], method: str, rule: Rule, data: dict | None) -> list[str]:
        failures = []
        for state in STATES:
            for persona in PERSONAS:
                with transaction.atomic():
                    self.put_in_state(state)
                    url = self.url_for(name, parameters, state)
                    self.client.logout()
                    # A crash is a 500 in the table, not an exception that hides the rest of it.
                    self.client.raise_request_exception = False
                    if persona != "anonymous":
                        self.client.force_login(self.people[persona])
                    response = getattr(self.client, method)(url, data or {})
                    actual = self.outcome(response, state)
                    expected = rule(persona, state)
                    edited = Evaluation.objects.get(pk=self.evaluation.pk).problems == EDITED_PROBLEMS
                    if isinstance(expected, tuple) and expected[0] == "edited":
                        ok = actual == expected[1] and edited
                    elif isinstance(expected, tuple):
                        now = Evaluation.objects.get(pk=self.evaluation.pk).status
                        target = expected[1] if expected[0] == "moved" else state
                        ok = actual == 302 and now == target
                        actual = (actual, now)
                    elif isinstance(expected, frozenset):
                        ok = actual in expected and not edited
                    else:
                        # Nothing but an allowed edit may change the report's content.
                        ok = actual == expected and not edited
                    if not ok or os.environ.get("ACCESS_MATRIX_PROBE"):
                        failures.append(
                            f"{method.upper()} {name} · {persona} · {state}: expected {expected}, got {actual}"
                        )
                    transaction.set_rollback(True)
        return failures

    def test_every_url_answers_every_persona_in_every_state_as_the_policy_says(self):
        failures = []
        with (
            fake_rendering(),
            mock.patch("reports.rendering.html_to_pdf", return_value=b"%PDF-1.7\n%%EOF\n"),
            mock.patch("reports.rendering.html_to_first_page_pdf", return_value=b"%PDF-1.7\n%%EOF\n"),
        ):
            for name, parameters in project_url_names():
                entry = POLICY.get(name)
                if entry is None:
                    continue  # reported by test_every_url_pattern_has_a_policy
                for method, rule in [("get", entry.get), ("post", entry.post)]:
                    if rule is not None:
                        failures += self.check(
                            name, parameters, method, rule, entry.post_data if method == "post" else None
                        )
        self.assertEqual(failures, [], "\n" + "\n".join(failures))
