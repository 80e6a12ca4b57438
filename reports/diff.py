"""What changed between two submissions of an evaluation: which figures and which texts.

A submission stores :func:`snapshot` of the evaluation as plain JSON data. Each entry has a stable key built from
what a reader recognises (a category, a source and project name, a theme title, an indicator name) rather than from
database ids, because the editor may delete and recreate rows when a list is saved: the same project under the same
name is the same line for the head who reviews it."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements.models import Indicator
from budgets.models import BudgetExecution, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import Block, Evaluation
from evaluations.money import format_quantity, format_wan
from evaluations.outlines import outline_for

MONEY = "money"
NUMBER = "number"
TEXT = "text"


def _entry(key: str, section: str, label: str, kind: str, value: Any) -> dict[str, str]:
    if value is None:
        text = ""
    elif isinstance(value, Decimal):
        # Without the trailing zeros of DecimalField(decimal_places=4): 10.0000 and 10 are one value.
        text = format_quantity(value) if kind == NUMBER else str(value)
    else:
        text = str(value)
    return {"key": key, "section": section, "label": label, "kind": kind, "value": text}


def _label(name: str, term: str, suffix: str = "") -> str:
    # "人员经费·本年决算数": a name, then one of our terms. Built here, not in f-strings, where xgettext cannot see _().
    return f"{name}·{term}{suffix}"


def _unique(keys: Counter, key: str) -> str:
    # Two lines with the same name (rare, but allowed for project items) stay apart: the second is "name#2".
    keys[key] += 1
    return key if keys[key] == 1 else f"{key}#{keys[key]}"


def snapshot(evaluation: Evaluation) -> list[dict[str, str]]:
    """Every figure and text of the evaluation, in report order. One query per kind of row (twelve in all, and the
    outline's two when the unit wrote the text of a section of its own).

    Sections and labels are stored in the site's language whoever submits, so two submissions compare alike;
    :func:`translated_label` puts them into the reader's language when they are shown."""
    with translation.override(settings.LANGUAGE_CODE):
        return _entries(evaluation)


def _entries(evaluation: Evaluation) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    seen: Counter = Counter()

    def add(key: str, section: str, label: str, kind: str, value: Any) -> None:
        entries.append(_entry(_unique(seen, key), section, label, kind, value))

    profile = _("单位基本情况")
    add("mandate", profile, _("主管职能概述"), TEXT, evaluation.mandate)
    duties = "\n".join(f"（{n}）{duty.text}" for n, duty in enumerate(evaluation.duties.all(), start=1))
    add("duties", profile, _("主要职能"), TEXT, duties)
    for group, names in _office_groups(evaluation):
        # The default group keeps the key it had before offices came in groups, so older submissions compare.
        key = "offices" if group == DEFAULT_OFFICE_GROUP else f"offices.{group}"
        add(key, profile, group, TEXT, "、".join(names))
    for line in evaluation.staffing_lines.all():
        add(
            f"staffing.{line.establishment_type}.approved",
            profile,
            _label(line.establishment_type, _("编制数")),
            NUMBER,
            line.approved,
        )
        add(
            f"staffing.{line.establishment_type}.actual",
            profile,
            _label(line.establishment_type, _("实有人数")),
            NUMBER,
            line.actual,
        )
    for name in [
        "staff_on_roll",
        "staff_transferred_in",
        "staff_transferred_out",
        "staff_retired",
        "retirees_deceased",
    ]:
        add(name, profile, str(Evaluation._meta.get_field(name).verbose_name), NUMBER, getattr(evaluation, name))
    add("staffing_authority", profile, _("编制核定机关"), TEXT, evaluation.staffing_authority)
    add("staffing_date", profile, _("人员情况截止日期"), TEXT, evaluation.staffing_date)

    totals = _("支出总体情况")
    summary = SpendingSummary.objects.filter(evaluation=evaluation).first()
    for name, label in SUMMARY_LABELS.items():
        add(f"summary.{name}", totals, str(label), MONEY, getattr(summary, name, None))

    basic = _("基本支出")
    for row in evaluation.basic_spending.all():
        category = row.get_category_display()
        add(f"basic.{row.category}.amount", basic, _label(category, _("本年决算数")), MONEY, row.amount)
        add(f"basic.{row.category}.previous", basic, _label(category, _("上年决算数")), MONEY, row.previous_amount)
        add(f"basic.{row.category}.reason", basic, _label(category, _("增减原因")), TEXT, row.change_reason)

    project = _("项目支出")
    for source in evaluation.fund_sources.all():
        add(f"source.{source.name}", project, _label(source.name, _("说明")), TEXT, source.description)
    items = ProjectItem.objects.filter(evaluation=evaluation).select_related("source")
    for item in items:
        where = f"{item.source.name}·{item.name}"
        add(f"project.{where}.amount", project, where, MONEY, item.amount)
        add(f"project.{where}.wording", project, _label(where, _("报告表述")), TEXT, item.description)

    other_budgets = _("其他预算类型支出")
    for row in FundTypeSpending.objects.filter(evaluation=evaluation).order_by("fund_type"):
        kind = row.get_fund_type_display()
        stated = {None: "", True: _("有此项支出"), False: _("无此项支出")}[row.has_spending]
        add(f"fund.{row.fund_type}.has_spending", other_budgets, _label(kind, _("是否有此项支出")), TEXT, stated)
        add(f"fund.{row.fund_type}.amount", other_budgets, _label(kind, _("支出金额")), MONEY, row.amount)
        add(f"fund.{row.fund_type}.narrative", other_budgets, _label(kind, _("支出情况说明")), TEXT, row.narrative)

    execution = _("预算执行")
    # In the 自评表's order: the sources of funds (财政拨款, 上年结转资金, 其他资金), then 基本支出 and 项目支出.
    order = [*BudgetExecution.SOURCES, *BudgetExecution.SPENDING_KINDS]
    lines = BudgetExecution.objects.filter(evaluation=evaluation).order_by()
    for row in sorted(lines, key=lambda row: order.index(row.kind)):
        kind = row.get_kind_display()
        add(f"execution.{row.kind}.initial", execution, _label(kind, _("年初预算数")), MONEY, row.initial_budget)
        add(f"execution.{row.kind}.full_year", execution, _label(kind, _("全年预算数")), MONEY, row.full_year_budget)
        add(f"execution.{row.kind}.executed", execution, _label(kind, _("全年执行数")), MONEY, row.executed)

    results = _("工作成效")
    for theme in evaluation.themes.all():
        add(f"theme.{theme.title}", results, theme.title, TEXT, theme.body)

    indicators = _("绩效指标")
    for indicator in Indicator.objects.filter(evaluation=evaluation):
        name = indicator.name
        unit = f"（{indicator.measure_unit}）" if indicator.measure_unit else ""
        add(f"indicator.{name}.target", indicators, _label(name, _("年度指标值"), unit), NUMBER, indicator.target)
        add(f"indicator.{name}.actual", indicators, _label(name, _("实际完成值"), unit), NUMBER, indicator.actual)
        add(
            f"indicator.{name}.target_text",
            indicators,
            _label(name, _("年度指标值（定性）")),
            TEXT,
            indicator.target_text,
        )
        add(
            f"indicator.{name}.actual_text",
            indicators,
            _label(name, _("实际完成值（定性）")),
            TEXT,
            indicator.actual_text,
        )
        add(f"indicator.{name}.weight", indicators, _label(name, _("分值")), NUMBER, indicator.weight)
        add(f"indicator.{name}.ranking", indicators, _label(name, _("排名")), TEXT, indicator.ranking)
        add(f"indicator.{name}.deviation", indicators, _label(name, _("偏差原因")), TEXT, indicator.deviation_reason)

    text = _("报告正文")
    for name in ["overall_goal", "overall_goal_result", "problems", "measures", "results_use", "no_spending_note"]:
        add(name, text, str(Evaluation._meta.get_field(name).verbose_name), TEXT, getattr(evaluation, name))
    add("signature_date", text, _("落款日期"), TEXT, evaluation.signature_date)

    own = _("单位自撰内容")
    written = [row for row in evaluation.written_texts.all() if row.text.strip()]
    titles = _node_titles(evaluation) if any(row.key.startswith("node:") for row in written) else {}
    for row in written:
        add(f"written.{row.key}", own, _written_label(row.key, titles), TEXT, row.text)
    return entries


DEFAULT_OFFICE_GROUP = "内设机构"
STAFFING_FIGURES = [
    "staff_on_roll",
    "staff_transferred_in",
    "staff_transferred_out",
    "staff_retired",
    "retirees_deceased",
]
SUMMARY_LABELS = {
    "total_budget": gettext_lazy("预算安排"),
    "total_spending": gettext_lazy("实际支出合计"),
    "basic_total": gettext_lazy("基本支出合计"),
    "project_total": gettext_lazy("项目支出合计"),
}


def _office_groups(evaluation: Evaluation) -> list[tuple[str, list[str]]]:
    """Offices by group, groups in the order of their first office; the default group always, even when empty."""
    groups: dict[str, list[str]] = {DEFAULT_OFFICE_GROUP: []}
    for office in evaluation.offices.all():
        group = office.group.strip() or DEFAULT_OFFICE_GROUP
        groups.setdefault(group, []).append(office.name)
    return list(groups.items())


def _node_titles(evaluation: Evaluation) -> dict[str, str]:
    return {node.key: node.title for node in outline_for(evaluation).walk()}


def _written_label(key: str, titles: dict[str, str]) -> str:
    """The place a text of the unit's own stands: a section of the outline by its title, or the paragraph of a
    block it replaces by the block's name."""
    kind, _colon, name = key.partition(":")
    if kind == "node":
        return titles.get(name, name)
    if kind == "para" and name in Block.values:
        return _label(str(Block(name).label), _("自撰段落"))
    return key


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    kind: str
    old: str
    new: str
    # For texts: (operation, text) pieces, operation one of "equal", "delete", "insert", to mark the edit in place.
    pieces: list[tuple[str, str]] = field(default_factory=list)
    # For lists (duties, offices): the items that changed, instead of pieces over the whole list.
    items: list[ItemChange] = field(default_factory=list)

    @property
    def is_figure(self) -> bool:
        return self.kind in {MONEY, NUMBER}

    @property
    def old_display(self) -> str:
        return self._display(self.old)

    @property
    def new_display(self) -> str:
        return self._display(self.new)

    def _display(self, value: str) -> str:
        if value == "":
            return "—"
        if self.kind == MONEY:
            return _("%(amount)s万元") % {"amount": format_wan(Decimal(value))}
        return value


# A run of Latin letters, digits and number punctuation is one token ("3864449.00", "PDF"); any other character is a
# token of its own, since Chinese has no spaces to find words by and no dictionary (jieba) is worth its weight here.
_TOKEN = re.compile(r"[A-Za-z0-9.,%]+|.", re.DOTALL)
# An unchanged stretch this short between two edits is folded into them: "签定战备" → "签订战略" then reads as one
# phrase replaced ("定战备" → "订战略") rather than as a sprinkle of single characters around a kept "战".
_SHORT_EQUAL = 1


def text_pieces(old: str, new: str) -> list[tuple[str, str]]:
    """The edit of a text as (operation, text) pieces, operation one of "equal", "delete", "insert": compared by
    characters (numbers and Latin words whole), with short unchanged stretches between edits merged into them."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    # (equal text) or (deleted text, inserted text), in order.
    runs: list[tuple[str, str, str]] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed, added = "".join(old_tokens[old_start:old_end]), "".join(new_tokens[new_start:new_end])
        runs.append(("equal", removed, removed) if operation == "equal" else ("edit", removed, added))
    merged: list[tuple[str, str, str]] = []
    for index, run in enumerate(runs):
        between_edits = 0 < index < len(runs) - 1 and merged and merged[-1][0] == "edit"
        if run[0] == "equal" and between_edits and len(run[1]) <= _SHORT_EQUAL:
            run = ("edit", run[1], run[2])
        if run[0] == "edit" and merged and merged[-1][0] == "edit":
            merged[-1] = ("edit", merged[-1][1] + run[1], merged[-1][2] + run[2])
        else:
            merged.append(run)
    pieces: list[tuple[str, str]] = []
    for operation, removed, added in merged:
        if operation == "equal":
            pieces.append(("equal", removed))
            continue
        if removed:
            pieces.append(("delete", removed))
        if added:
            pieces.append(("insert", added))
    return pieces


# Lists stored as one text in a snapshot (older submissions too), compared item by item: the duties, one per line
# after their number "（3）", and each group of offices, joined by "、".
_DUTY_NUMBER = re.compile(r"^（\d+）")


def _list_items(key: str, value: str) -> list[str] | None:
    """The items of a list entry, or None when the entry is not a list."""
    if key == "duties":
        return [_DUTY_NUMBER.sub("", line) for line in value.split("\n") if line]
    if key == "offices" or key.startswith("offices."):
        return [name for name in value.split("、") if name]
    return None


@dataclass(frozen=True)
class ItemChange:
    """One item of a list that changed: added (no old), removed (no new) or changed (pieces mark the edit)."""

    number: int
    old: str
    new: str
    pieces: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "added" if not self.old else "removed" if not self.new else "changed"


def item_changes(old: list[str], new: list[str]) -> list[ItemChange]:
    """The items added, removed and changed between two lists, numbered as in the new list (a removed item by the
    place it had). Items are matched whole first; of a stretch replaced, the items side by side are one item
    changed, and the rest added or removed."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    changes: list[ItemChange] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            continue
        paired = min(old_end - old_start, new_end - new_start)
        for offset in range(paired):
            before, after = old[old_start + offset], new[new_start + offset]
            changes.append(ItemChange(new_start + offset + 1, before, after, text_pieces(before, after)))
        for offset in range(paired, new_end - new_start):
            changes.append(ItemChange(new_start + offset + 1, "", new[new_start + offset]))
        for offset in range(paired, old_end - old_start):
            changes.append(ItemChange(old_start + offset + 1, old[old_start + offset], ""))
    return changes


def changes_between(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[Change]:
    """Entries whose value differs, in the new report's order, then the ones the new report no longer has."""
    old_by_key = {entry["key"]: entry for entry in old}
    new_keys = {entry["key"] for entry in new}
    changes = []
    for entry in new:
        before = old_by_key.get(entry["key"], {}).get("value", "")
        if before != entry["value"]:
            changes.append(_change(entry, before, entry["value"]))
    for entry in old:
        if entry["key"] not in new_keys and entry["value"] != "":
            changes.append(_change(entry, entry["value"], ""))
    return changes


def _change(entry: dict[str, str], old: str, new: str) -> Change:
    section, label = translated_label(entry["section"]), translated_label(entry["label"])
    old_items, new_items = _list_items(entry["key"], old), _list_items(entry["key"], new)
    if old_items is not None and new_items is not None:
        return Change(section, label, entry["kind"], old, new, items=item_changes(old_items, new_items))
    pieces = text_pieces(old, new) if entry["kind"] == TEXT else []
    return Change(section, label, entry["kind"], old, new, pieces)


# A stored term with the measure unit of its indicator after it, e.g. "年度指标值（人）".
_TERM_WITH_UNIT = re.compile(r"(?P<term>[^（]+)（(?P<unit>[^（）]*)）")


def translated_label(label: str) -> str:
    """A stored section or label in the reader's language: each "·" part that is one of our terms (a section, a
    category, a field) is translated, and names typed by people (projects, indicators, sources) stay as they are."""
    return "·".join(_translated_part(part) for part in label.split("·"))


def _translated_part(part: str) -> str:
    if not part:
        # gettext("") is the catalogue's header, not an empty string.
        return part
    translated = _(part)
    if translated != part:
        return translated
    match = _TERM_WITH_UNIT.fullmatch(part)
    if match and _(match["term"]) != match["term"]:
        return _("%(term)s（%(unit)s）") % {"term": _(match["term"]), "unit": match["unit"]}
    return part


def changes_since_last_submission(evaluation: Evaluation) -> tuple[list[Change], bool]:
    """The changes of the latest submission against the one before it, and whether there was one before it.

    One query: the two newest submissions."""
    latest_two = list(evaluation.submissions.order_by("-number")[:2])
    if len(latest_two) < 2:
        return [], False
    latest, previous = latest_two
    return changes_between(previous.content, latest.content), True
