"""Open data (公开数据): every published version's figures as a JSON document, frozen when it is published.

:func:`document` is called by :func:`reports.publication.create_publication` and its result stored in
``Publication.data``; the portal serves that, never a document built from today's data (a version published before
documents existed has none, and its data URLs are 404). Each figure comes from its one implementation: the headline
figures are the ones the publication row keeps (:func:`reports.publication.published_figures`), the breakdowns
those the report prints (:func:`reports.report.report_data`: ``budgets.figures``), completion from
``achievements.figures``, the score from the score sheet under the very scheme the row records.

Formats (``open_data_schema.json``, served at :data:`SCHEMA_PATH`): amounts are exact 元 as strings with two
decimals; rates and shares are percent strings rounded half-up to two decimals from the exact amounts, as the
report prints them (an exact quotient such as 1/3 has no finite decimal string); blank is ``null``, never 0.

The year files (:func:`year_rows`) read only the frozen columns of ``Publication``, in two queries whatever the
number of publications. The CSV writer (:func:`csv_bytes`) is UTF-8 with a BOM for Excel and neutralises cells that
Excel would take for a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, QuerySet
from django.urls import reverse
from django.utils import translation

from achievements.figures import completion_rate
from budgets.figures import BasicSpendingFigures, Change, ExecutionFigures, ProjectSpendingFigures, execution_rate
from budgets.models import FundTypeSpending, ProjectItem
from evaluations.models import Evaluation, Publication
from evaluations.money import format_percent, format_quantity
from evaluations.scoring import InvalidScheme, SchemeSpec
from evaluations.scoring_rules import format_score, format_weight

from .excel.safe_writer import FORMULA_PREFIXES
from .report import REPORT_LANGUAGE, report_data
from .scoring import score_of

SCHEMA_VERSION = 1
# The path the schema is served at (config/urls.py); frozen into every document, so it never changes for v1.
SCHEMA_PATH = f"/open-data/schema/v{SCHEMA_VERSION}.json"
SCHEMA_FILE = Path(__file__).with_name("open_data_schema.json")


# ---------------------------------------------------------------------------
# Values as the documents write them
# ---------------------------------------------------------------------------
def amount(value: Decimal | None) -> str | None:
    """元 with two decimals ("4745000.00"); ``None`` stays ``None``."""
    return None if value is None else f"{value:.2f}"


def percent(value: Decimal | None) -> str | None:
    """A ratio as the report prints it ("81.44%", half-up from the exact ratio); ``None`` where it is undefined."""
    return None if value is None else format_percent(value)


def quantity(value: Decimal | None) -> str | None:
    return None if value is None else format_quantity(value)


def score(value: Decimal | None) -> str | None:
    return None if value is None else format_score(value)


def _change(change: Change) -> dict[str, str | None]:
    return {"change_amount": amount(change.amount), "change_percent": percent(change.rate)}


# ---------------------------------------------------------------------------
# The document of one version
# ---------------------------------------------------------------------------
def document(
    evaluation: Evaluation,
    *,
    version: int,
    published_at: datetime.datetime,
    figures: Mapping[str, Any],
    score_record: Mapping[str, Any],
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """The open-data document of the version about to be published, without its ``status`` (which depends on later
    versions and is added when served: :func:`served_document`). ``figures``, ``score_record`` and ``metadata`` are
    what the publication row keeps (:func:`reports.publication.published_figures`, ``score_fields``,
    ``publication_metadata``), so the document and the row cannot disagree."""
    with translation.override(REPORT_LANGUAGE):
        data = report_data(evaluation)
        unit = evaluation.unit
        return {
            "schema": SCHEMA_PATH,
            "publication": {
                "title": evaluation.title,
                "version": version,
                "published_at": published_at.isoformat(),
                "index_number": metadata["index_number"],
                "publisher": metadata["publisher"],
                "written_on": metadata["written_on"].isoformat() if metadata["written_on"] else None,
                "topic": metadata["topic"],
            },
            "unit": {"name": unit.name, "code": unit.code or None, "region": unit.region or None},
            "year": evaluation.year,
            "amount_unit": "元",
            "headline": _headline(figures),
            "basic_spending": _basic(data.basic),
            "project_spending": _project(data.project, data.totals.project),
            "budget_execution": _execution(data.execution),
            "other_budgets": _other_budgets(data.fund_types),
            **_scored(evaluation, score_record),
        }


HEADLINE_AMOUNTS = ("total_spending", "basic_spending", "project_spending", "budget", "executed")


def _headline(figures: Mapping[str, Any]) -> dict[str, str | None]:
    return {
        **{name: amount(figures[name]) for name in HEADLINE_AMOUNTS},
        # From the exact amounts, not from the row's rate kept to eight decimals: rounded once, as in the report.
        "execution_rate_percent": percent(execution_rate(figures["executed"], figures["budget"])),
    }


def _basic(basic: BasicSpendingFigures) -> dict[str, Any]:
    return {
        "total": amount(basic.total),
        "previous_total": amount(basic.previous_total),
        **_change(basic.change),
        "lines": [
            {
                "category": line.category,
                "label": str(line.label),
                "amount": amount(line.amount),
                "previous_amount": amount(line.previous_amount),
                **_change(line.change),
                "share_percent": percent(line.share),
                "reason": line.reason.strip(),
            }
            for line in basic.lines
        ],
    }


def _items(items: Iterable[ProjectItem]) -> list[dict[str, str | None]]:
    return [{"name": item.name, "amount": amount(item.amount)} for item in items]


def _project(project: ProjectSpendingFigures, total: Decimal | None) -> dict[str, Any]:
    return {
        "total": amount(total),
        "items_total": amount(project.items_total),
        "sources": [
            {
                "name": group.source.name,
                "subtotal": amount(group.subtotal),
                "share_percent": percent(group.share),
                "items": _items(group.items),
            }
            for group in project.groups
            if group.items
        ],
        "unsourced_items": _items(project.unsourced),
    }


def _execution(execution: ExecutionFigures) -> list[dict[str, Any]]:
    """The funds block in the 自评表's order: 年度资金总额, the sources of funds, then basic and project spending;
    lines nobody filled in are left out, as the report leaves them out."""
    if execution.is_empty:
        return []
    lines = [("total", execution.total), *((line.kind, line) for line in execution.known_sources)]
    lines += [(line.kind, line) for line in execution.lines]
    return [
        {
            "line": key,
            "label": str(line.label),
            "initial_budget": amount(line.initial_budget),
            "full_year_budget": amount(line.full_year_budget),
            "executed": amount(line.executed),
            "execution_rate_percent": percent(line.rate),
        }
        for key, line in lines
    ]


def _other_budgets(fund_types: Mapping[str, FundTypeSpending]) -> list[dict[str, Any]]:
    return [
        {
            "fund_type": row.fund_type,
            "label": str(row.get_fund_type_display()),
            "has_spending": row.has_spending,
            "amount": amount(row.amount),
        }
        for row in sorted(fund_types.values(), key=lambda row: row.fund_type)
    ]


def _scored(evaluation: Evaluation, record: Mapping[str, Any]) -> dict[str, Any]:
    """The indicators with their 得分 and the score, scored under the scheme the publication records (its data, as
    frozen), so that every point in the document comes from the sheet whose total the row keeps."""
    try:
        sheet = score_of(evaluation, SchemeSpec.from_data(record["scheme_data"])).sheet
    except InvalidScheme:
        sheet = None
    scored = {row.indicator.ref: row for leaf in sheet.leaves() for row in leaf.indicators} if sheet else {}
    indicators = []
    for indicator in evaluation.indicators.all():
        row = scored.get(indicator.pk)
        indicators.append(
            {
                "level1": indicator.level1,
                "level2": indicator.level2,
                "name": indicator.name,
                "measure_unit": indicator.measure_unit,
                "direction": str(indicator.get_direction_display()),
                "target": None if indicator.is_qualitative else quantity(indicator.target),
                "actual": None if indicator.is_qualitative else quantity(indicator.actual),
                "target_text": indicator.target_text.strip() if indicator.is_qualitative else "",
                "actual_text": indicator.actual_text.strip() if indicator.is_qualitative else "",
                "completion_percent": percent(completion_rate(indicator)),
                "weight": quantity(indicator.weight),
                "score": None if row is None or row.not_applicable else score(row.points),
                "not_applicable": indicator.not_applicable,
                "deviation_reason": indicator.deviation_reason.strip(),
                "ranking": indicator.ranking.strip(),
            }
        )
    total = record["score_total"]
    return {
        "indicators": indicators,
        "score": {
            "total": None if total is None else f"{total:f}",
            "grade": (record["grade"] or None) if total is not None else None,
            "scheme_name": record["scheme_name"],
            "scheme_version": record["scheme_version"],
            "sections": [
                {"name": level1.name, "weight": format_weight(level1.weight), "points": score(level1.points)}
                for level1 in (sheet.sections if sheet is not None else ())
            ],
        },
    }


# ---------------------------------------------------------------------------
# Serving a version: the frozen document and its status today
# ---------------------------------------------------------------------------
LINK_NAMES = {
    "page": "publication_detail",
    "pdf": "publication_pdf",
    "json": "publication_data_json",
    "csv": "publication_data_csv",
}
_SENTINEL = 987654321


def link_patterns() -> dict[str, str]:
    """Each address of a version with ``{pk}`` in place of its number: reversed once, not once per row of a year
    file (reversing was four fifths of the time of a year of 5,000 reports)."""
    return {kind: reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{pk}") for kind, name in LINK_NAMES.items()}


def links_of(pk: int, patterns: Mapping[str, str] | None = None) -> dict[str, str]:
    return {kind: pattern.format(pk=pk) for kind, pattern in (patterns or link_patterns()).items()}


def version_status(publication: Publication) -> tuple[dict[str, Any], datetime.datetime]:
    """Whether a correction has superseded the version, by which current version and since when: read at request
    time (the frozen document cannot know its future). Also the time the served file last changed: its publication,
    or the publication of the version after it. No query for a current version, one otherwise."""
    status: dict[str, Any] = {
        "is_current": publication.is_current,
        "superseded": not publication.is_current,
        "superseded_at": None,
        "superseded_by": None,
        "links": links_of(publication.pk),
    }
    if publication.is_current:
        return status, publication.published_at
    newer = list(
        Publication.objects.filter(evaluation_id=publication.evaluation_id, version__gt=publication.version)
        .order_by("version")
        .values("pk", "version", "published_at", "is_current")
    )
    if not newer:
        return status, publication.published_at
    current = next((row for row in newer if row["is_current"]), newer[-1])
    status["superseded_at"] = newer[0]["published_at"].isoformat()
    status["superseded_by"] = {
        "id": current["pk"],
        "version": current["version"],
        "json": reverse("publication_data_json", args=[current["pk"]]),
    }
    return status, max(publication.published_at, newer[0]["published_at"])


def served_document(publication: Publication) -> tuple[dict[str, Any], datetime.datetime]:
    """The frozen document with its status today, in the schema's order of fields, and when what is served last
    changed."""
    status, changed_at = version_status(publication)
    return in_schema_order({**publication.data, "status": status}), changed_at


def in_schema_order(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every object's fields in the order the schema lists them: PostgreSQL's jsonb keeps its own
    order of keys, and a reader (or a diff of two versions) should not depend on the database."""
    root = schema()

    def node_of(node: Mapping[str, Any]) -> Mapping[str, Any]:
        if "$ref" in node:
            return root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    def order(value: Any, node: Mapping[str, Any]) -> Any:
        node = node_of(node)
        if isinstance(value, dict):
            properties = node.get("properties", {})
            known = [key for key in properties if key in value]
            rest = [key for key in value if key not in properties]
            return {key: order(value[key], properties.get(key, {})) for key in [*known, *rest]}
        if isinstance(value, list):
            return [order(item, node.get("items", {})) for item in value]
        return value

    return order(document, root)


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------
def safe_cell(value: Any) -> str:
    """One CSV cell: ``None`` as empty (unknown; the JSON has null), booleans as true/false, and text that Excel
    would run as a formula prefixed with ' (as the workbooks' safe writer keeps such text a string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _is_signed_number(text):
        return f"'{text}"
    return text


def _is_signed_number(text: str) -> bool:
    # A decrease ("-846251.00", "-17.96%") is a figure, not a formula: Excel reads it as a number either way.
    body = text[1:].removesuffix("%")
    return text[0] == "-" and body.replace(".", "", 1).isdigit()


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel on Chinese Windows otherwise reads the file as GBK)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


DOCUMENT_CSV_HEADER = ("字段", "名称", "值")


def document_rows(data: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The document as a long table, one value a row: its path in the JSON ("indicators[2].target", counting from
    1), the name of the item it belongs to (an indicator, a project, a line), and the value. The same keys as the
    JSON, so the two files cannot say different things."""
    yield DOCUMENT_CSV_HEADER
    yield from _flatten(data, "", "")


def _flatten(value: Any, path: str, name: str) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        if path:
            name = value.get("name") or value.get("label") or name
        for key, item in value.items():
            yield from _flatten(item, f"{path}.{key}" if path else key, name)
    elif isinstance(value, list):
        for n, item in enumerate(value, start=1):
            yield from _flatten(item, f"{path}[{n}]", name)
    else:
        yield (path, name if isinstance(name, str) else "", value)


# ---------------------------------------------------------------------------
# Year files: every published report's headline figures of one year, from the frozen columns
# ---------------------------------------------------------------------------
YEAR_FIELDS = (
    "id",
    "unit_name",
    "year",
    "version",
    "is_current",
    "published_at",
    "index_number",
    "total_spending",
    "basic_spending",
    "project_spending",
    "budget",
    "executed",
    "execution_rate",
    "score_total",
    "grade",
    "scheme_name",
)
YEAR_COLUMNS = (
    *YEAR_FIELDS[:12],
    "execution_rate_percent",
    *YEAR_FIELDS[12:],
    "has_document",
    "json",
    "csv",
    "pdf",
)


# What each column of the year files means: the index page's second table (Chinese, like the schema's titles).
_AMOUNT = ("元，两位小数", "未填报，也不能由已填报的数字算出")
YEAR_COLUMN_NOTES = {
    "id": ("公开版本的编号（报告页面 /reports/<编号>/）", "整数", ""),
    "unit_name": ("单位全称（公开时的名称）", "文本", ""),
    "year": ("评价年度", "整数", ""),
    "version": ("版本号（更正后的版本依次加一）", "整数，从1开始", ""),
    "is_current": ("是否现行版本（未被更正版取代）", "true / false", ""),
    "published_at": ("公开时间", "ISO 8601 日期时间，含时区", ""),
    "index_number": ("索引号", "文本", ""),
    "total_spending": ("实际支出合计", *_AMOUNT),
    "basic_spending": ("基本支出", *_AMOUNT),
    "project_spending": ("项目支出", *_AMOUNT),
    "budget": ("预算数（填报的预算安排，否则为预算执行表的全年预算数）", *_AMOUNT),
    "executed": ("执行数（与预算数对应的实际支出或全年执行数）", *_AMOUNT),
    "execution_rate_percent": ("预算执行率 = 执行数 ÷ 预算数", "百分比，四舍五入到两位小数", "无法计算"),
    "execution_rate": ("预算执行率的比值（1 即 100%）", "小数，保留八位", "无法计算，或比值过大（数字可能有误）"),
    "score_total": ("自评综合评分", "分，按报告显示的精度", "公开时不能计算得分，或早于记录得分的版本"),
    "grade": ("评价等级", "优、良、中、差", "同上"),
    "scheme_name": ("评分方案名称", "文本", "早于记录得分的版本"),
    "has_document": ("是否有单个版本的数据文件", "true / false", ""),
    "json": ("单个版本的 JSON 数据文件地址", "本站路径", "公开时尚未生成公开数据"),
    "csv": ("单个版本的 CSV 数据文件地址", "本站路径", "公开时尚未生成公开数据"),
    "pdf": ("报告PDF地址", "本站路径", ""),
}


def year_field_table() -> list[dict[str, str]]:
    return [
        dict(zip(("field", "meaning", "format", "null"), (name, *YEAR_COLUMN_NOTES[name]), strict=True))
        for name in YEAR_COLUMNS
    ]


def year_publications(year: int, *, all_versions: bool = False) -> QuerySet[Publication]:
    publications = Publication.objects.filter(year=year)
    return publications if all_versions else publications.filter(is_current=True)


def year_fingerprint(year: int, *, all_versions: bool = False) -> dict[str, Any]:
    """(count, max id, max published_at) in one query: any new version changes the id, a correction also the set of
    current versions, so this is the year file's version."""
    return year_publications(year, all_versions=all_versions).aggregate(
        count=Count("id"), last_id=Max("id"), last_published=Max("published_at")
    )


def year_rows(year: int, *, all_versions: bool = False) -> Iterator[dict[str, Any]]:
    """The year's versions as plain rows, in the portal's order (newest first), in one query read in chunks."""
    rows = (
        year_publications(year, all_versions=all_versions)
        .order_by("-published_at", "-id")
        .annotate(has_document=ExpressionWrapper(~Q(data={}), output_field=BooleanField()))
        .values_list(*YEAR_FIELDS, "has_document")
    )
    patterns = link_patterns()
    for values in rows.iterator(chunk_size=2000):
        row = dict(zip((*YEAR_FIELDS, "has_document"), values, strict=True))
        yield _year_row(row, patterns)


def _year_row(row: dict[str, Any], patterns: Mapping[str, str]) -> dict[str, Any]:
    links = links_of(row["id"], patterns)
    rate = row["execution_rate"]
    return {
        **{name: row[name] for name in ("id", "unit_name", "year", "version", "is_current", "index_number")},
        "published_at": row["published_at"].isoformat(),
        **{name: amount(row[name]) for name in HEADLINE_AMOUNTS},
        # The row keeps the ratio to eight decimals (to sort by); the percentage is from the exact amounts.
        "execution_rate": None if rate is None else f"{rate:f}",
        "execution_rate_percent": percent(execution_rate(row["executed"], row["budget"])),
        "score_total": None if row["score_total"] is None else f"{row['score_total']:f}",
        "grade": row["grade"] or None,
        "scheme_name": row["scheme_name"] or None,
        "has_document": bool(row["has_document"]),
        "json": links["json"] if row["has_document"] else None,
        "csv": links["csv"] if row["has_document"] else None,
        "pdf": links["pdf"],
    }


def years_available() -> list[dict[str, Any]]:
    """The years with something published: the number of current versions, of all versions, and of versions
    published before documents existed (which have only the year files' row). One query."""
    return list(
        Publication.objects.values("year")
        .annotate(
            current=Count("id", filter=Q(is_current=True)),
            versions=Count("id"),
            without_document=Count("id", filter=Q(data={})),
        )
        .order_by("-year")
    )


# ---------------------------------------------------------------------------
# The schema, and the field table of the index page read from it
# ---------------------------------------------------------------------------
@cache
def schema_bytes() -> bytes:
    return SCHEMA_FILE.read_bytes()


def schema() -> dict[str, Any]:
    return json.loads(schema_bytes())


KIND_WORDS = {"object": "对象（见下面各字段）", "array": "列表（见下面 [] 各字段）"}


def field_table() -> list[dict[str, str]]:
    """Every field of the document with its meaning, format and what null means, from the schema's own titles and
    descriptions (and its ``x-null`` annotation), so the page and the schema cannot drift apart."""
    root = schema()
    definitions = root["$defs"]
    found: list[dict[str, str]] = []

    def resolve(node: Mapping[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            return {**definitions[node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
        return dict(node)

    def walk(properties: Mapping[str, Any], prefix: str) -> None:
        for name, raw in properties.items():
            node = resolve(raw)
            path = f"{prefix}{name}"
            found.append(
                {
                    "field": path,
                    "meaning": node.get("title", ""),
                    "format": node.get("description") or KIND_WORDS.get(str(node.get("type")), ""),
                    "null": node.get("x-null", ""),
                }
            )
            if "properties" in node:
                walk(node["properties"], f"{path}.")
            items = node.get("items")
            if items is not None:
                items = resolve(items)
                if "properties" in items:
                    walk(items["properties"], f"{path}[].")

    walk(root["properties"], "")
    return found
