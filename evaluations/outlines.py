"""Report outlines: the three that ship with the app, and which outline an evaluation follows.

An outline is data (:class:`evaluations.models.ReportOutline` and its :class:`~evaluations.models.OutlineNode`
tree). The shipped ones are defined here as plain data, written to the database by a migration and by ``loaddemo``
(:func:`ensure_builtin_outlines`), and used from here directly when the database has none, so a report can always be
built. A bureau adds its own outline by copying one in the admin or its outline pages and editing the wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .campaigns import campaign_choice
from .models import Block, CampaignUnit, Evaluation, Numbering, OutlineAssignment, OutlineNode, ReportOutline, Unit
from .selectors import is_bureau

SEED = "seed"
HUNAN = "hunan"
PLAIN = "plain"
DEFAULT = SEED


@dataclass(frozen=True)
class NodeSpec:
    """One heading of an outline, as the report builder reads it."""

    key: str
    title: str
    block: str = Block.HEADING_ONLY
    numbering: str = Numbering.CHINESE
    required: bool = False
    item_numbering: str = Numbering.CHINESE_PAREN
    items_inline: bool = False
    children: tuple[NodeSpec, ...] = ()


@dataclass(frozen=True)
class OutlineSpec:
    key: str
    name: str
    description: str
    nodes: tuple[NodeSpec, ...] = field(default_factory=tuple)

    def walk(self) -> list[NodeSpec]:
        found: list[NodeSpec] = []

        def visit(nodes: tuple[NodeSpec, ...]) -> None:
            for node in nodes:
                found.append(node)
                visit(node.children)

        visit(self.nodes)
        return found

    @property
    def blocks(self) -> set[str]:
        return {node.block for node in self.walk() if node.block}


def _top(key: str, title: str, block: str = Block.HEADING_ONLY, **kwargs) -> NodeSpec:
    return NodeSpec(key, title, block, Numbering.CHINESE, **kwargs)


def _sub(key: str, title: str, block: str = Block.HEADING_ONLY, **kwargs) -> NodeSpec:
    return NodeSpec(key, title, block, Numbering.CHINESE_PAREN, **kwargs)


BUILTIN: dict[str, OutlineSpec] = {
    SEED: OutlineSpec(
        SEED,
        "湖南县级通用提纲（六部分）",
        "渌口区科工信局2024年报告所用的提纲：单位基本情况、一般公共预算支出、整体支出绩效、问题、措施、结果应用和公开。",
        (
            _top(
                "unit",
                "预算单位基本情况",
                Block.UNIT_INTRO,
                required=True,
                children=(NodeSpec("staffing", "人员配置情况", Block.STAFFING, Numbering.NONE),),
            ),
            _top(
                "general",
                "一般公共预算支出情况",
                Block.NO_SPENDING_NOTE,
                required=True,
                children=(
                    _sub("basic", "基本支出情况", Block.BASIC_SPENDING, required=True),
                    _sub("project", "项目支出情况", Block.PROJECT_SPENDING, required=True),
                ),
            ),
            _top(
                "performance",
                "部门整体支出绩效情况",
                required=True,
                children=(
                    _sub("results", "工作成效", Block.ACHIEVEMENTS, required=True),
                    _sub("table", "部门整体支出绩效自评表", Block.SELF_EVALUATION_TABLE),
                ),
            ),
            _top("problems", "存在的问题及原因分析", Block.PROBLEMS, required=True),
            _top("measures", "下一步改进措施", Block.MEASURES, required=True),
            _top("use", "绩效自评结果拟应用和公开情况", Block.RESULTS_USE, required=True),
        ),
    ),
    HUNAN: OutlineSpec(
        HUNAN,
        "湖南部门整体支出绩效自评提纲（九部分）",
        "湖南县区近年通知中的完整提纲：单位基本情况分机构、人员、职能、目标四项，四类预算支出分列，另有其他说明。",
        (
            _top(
                "unit",
                "部门、单位基本情况",
                Block.UNIT_INTRO,
                required=True,
                children=(
                    _sub("offices", "机构设置情况", Block.OFFICES, required=True),
                    _sub("staffing", "人员编制情况", Block.STAFFING, required=True),
                    _sub("duties", "主要职能职责", Block.DUTIES, required=True),
                    _sub("goals", "绩效目标设定情况", Block.GOALS),
                ),
            ),
            _top(
                "general",
                "一般公共预算支出情况",
                Block.TOTAL_SPENDING,
                required=True,
                children=(
                    _sub("basic", "基本支出情况", Block.BASIC_SPENDING, required=True),
                    _sub("project", "项目支出情况", Block.PROJECT_SPENDING, required=True),
                ),
            ),
            _top("government_fund", "政府性基金预算支出情况", Block.GOVERNMENT_FUND, required=True),
            _top("state_capital", "国有资本经营预算支出情况", Block.STATE_CAPITAL, required=True),
            _top("social_insurance", "社会保险基金预算支出情况", Block.SOCIAL_INSURANCE, required=True),
            _top(
                "performance",
                "部门整体支出绩效情况",
                Block.EXECUTION,
                required=True,
                children=(
                    _sub("score", "自评得分情况", Block.SCORE),
                    _sub("results", "工作成效", Block.ACHIEVEMENTS),
                    _sub("table", "部门整体支出绩效自评表", Block.SELF_EVALUATION_TABLE),
                ),
            ),
            _top("problems", "存在的问题及原因分析", Block.PROBLEMS, required=True),
            _top("measures", "下一步改进措施", Block.MEASURES, required=True),
            _top("use", "部门整体支出绩效自评结果拟应用和公开情况", Block.RESULTS_USE, required=True),
            _top("other", "其他需要说明的情况", Block.FREE_TEXT),
        ),
    ),
    PLAIN: OutlineSpec(
        PLAIN,
        "简明提纲（数据较少的单位）",
        "只有总数、没有明细的单位：基本情况、支出总体情况、绩效情况、问题和措施、结果应用和公开。",
        (
            _top("unit", "基本情况", Block.UNIT_INTRO, required=True, item_numbering=Numbering.ARABIC_COMMA),
            _top("spending", "支出情况", Block.TOTAL_SPENDING, required=True),
            _top("performance", "绩效情况", Block.ACHIEVEMENTS),
            _top("score", "自评得分情况", Block.SCORE),
            _top("problems", "存在的问题及改进措施", Block.PROBLEMS, required=True),
            _top("measures", "下一步工作", Block.MEASURES),
            _top("use", "自评结果应用和公开情况", Block.RESULTS_USE, required=True),
        ),
    ),
}


# ---------------------------------------------------------------------------
# The database side
# ---------------------------------------------------------------------------
def ensure_builtin_outlines() -> dict[str, ReportOutline]:
    """Write the shipped outlines to the database if they are not there yet; an outline a bureau has edited is left
    as it is. Returns them by key."""
    found = {outline.builtin: outline for outline in ReportOutline.objects.exclude(builtin="")}
    with transaction.atomic():
        for key, spec in BUILTIN.items():
            if key in found:
                continue
            outline = ReportOutline.objects.create(name=spec.name, description=spec.description, builtin=key)
            _write_nodes(outline, spec.nodes, parent=None)
            found[key] = outline
    return found


def _write_nodes(outline: ReportOutline, nodes: tuple[NodeSpec, ...], parent: OutlineNode | None) -> None:
    for order, spec in enumerate(nodes, start=1):
        node = OutlineNode.objects.create(
            outline=outline,
            parent=parent,
            order=order,
            key=spec.key,
            title=spec.title,
            numbering=spec.numbering,
            block=spec.block,
            required=spec.required,
            item_numbering=spec.item_numbering,
            items_inline=spec.items_inline,
        )
        _write_nodes(outline, spec.children, node)


def outline_spec(outline: ReportOutline) -> OutlineSpec:
    """An outline from the database as the builder reads it (one query for its headings)."""
    return _spec_of(outline, list(outline.nodes.order_by("order", "id")))


def _spec_of(outline: ReportOutline, nodes: list[OutlineNode]) -> OutlineSpec:
    children: dict[int | None, list[OutlineNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def build(parent_id: int | None) -> tuple[NodeSpec, ...]:
        return tuple(
            NodeSpec(
                key=node.key,
                title=node.title,
                block=node.block,
                numbering=node.numbering,
                required=node.required,
                item_numbering=node.item_numbering,
                items_inline=node.items_inline,
                children=build(node.pk),
            )
            for node in children.get(parent_id, [])
        )

    return OutlineSpec(outline.builtin or f"outline-{outline.pk}", outline.name, outline.description, build(None))


def _best_assignment(assignments: Iterable[OutlineAssignment], region: str, year: int) -> OutlineAssignment | None:
    """The most specific assignment that applies: region and year, region, year, every region and year."""
    applicable = [a for a in assignments if a.region in {region, ""} and (a.year is None or a.year == year)]
    ranked = sorted(applicable, key=lambda a: (a.region == region and bool(a.region), a.year is not None))
    return ranked[-1] if ranked else None


def chosen_outline(evaluation: Evaluation) -> ReportOutline | None:
    """The outline in the database an evaluation follows: its unit's own, else the one the campaign of its year
    chose (if the campaign covers the unit), else the bureau's choice for the unit's region and year (region and
    year, region, year, every region and year, in that order), else none."""
    unit = evaluation.unit
    if unit.outline_id is not None:
        return unit.outline
    campaign_outline = campaign_choice(evaluation).outline
    if campaign_outline is not None:
        return campaign_outline
    candidates = OutlineAssignment.objects.filter(
        Q(region=unit.region) | Q(region=""), Q(year=evaluation.year) | Q(year__isnull=True)
    ).select_related("outline")
    best = _best_assignment(candidates, unit.region, evaluation.year)
    return best.outline if best is not None else None


def outline_for(evaluation: Evaluation) -> OutlineSpec:
    """The outline the evaluation's report follows (three queries at most: the campaign's choice, the bureau's
    assignments, the headings); the default shipped outline when the
    database holds no choice."""
    chosen = chosen_outline(evaluation)
    return outline_spec(chosen) if chosen is not None else BUILTIN[DEFAULT]


def chosen_ids(evaluations: list[Evaluation], *, own: str, assignments: QuerySet, field: str) -> dict[int, int | None]:
    """The id each evaluation's choice of outline or scheme points to, by primary key, in the one order: the unit's
    own (``own``, a field of the unit), the campaign of its year if it covers the unit, the bureau's most specific
    assignment, else none. Two queries at most whatever the number of evaluations (the assignments and the
    campaigns' choices), none when every unit has its own. ``field``: the campaign's and the assignment's field."""
    by_campaign: dict[tuple[int, int], int] = {}
    found: list = []
    if any(getattr(evaluation.unit, own) is None for evaluation in evaluations):
        found = list(assignments)
        covered = CampaignUnit.objects.filter(
            unit_id__in={evaluation.unit_id for evaluation in evaluations},
            campaign__year__in={evaluation.year for evaluation in evaluations},
            **{f"campaign__{field}__isnull": False},
        ).values_list("unit_id", "campaign__year", f"campaign__{field}_id")
        by_campaign = {(unit_id, year): chosen_id for unit_id, year, chosen_id in covered}
    chosen: dict[int, int | None] = {}
    for evaluation in evaluations:
        unit = evaluation.unit
        if getattr(unit, own) is not None:
            chosen[evaluation.pk] = getattr(unit, own)
        elif (unit.pk, evaluation.year) in by_campaign:
            chosen[evaluation.pk] = by_campaign[(unit.pk, evaluation.year)]
        else:
            best = _best_assignment(found, unit.region, evaluation.year)
            chosen[evaluation.pk] = getattr(best, f"{field}_id") if best is not None else None
    return chosen


def outlines_for(evaluations: Iterable[Evaluation]) -> dict[int, OutlineSpec]:
    """:func:`outline_for` of many evaluations (with their units loaded), by primary key, in four queries at most
    whatever their number: the campaigns' and the bureau's choices, the outlines chosen, and their headings."""
    evaluations = list(evaluations)
    chosen = chosen_ids(evaluations, own="outline_id", assignments=OutlineAssignment.objects.all(), field="outline")
    wanted = {outline_id for outline_id in chosen.values() if outline_id is not None}
    specs: dict[int, OutlineSpec] = {}
    if wanted:
        nodes = Prefetch("nodes", queryset=OutlineNode.objects.order_by("order", "id"))
        for outline in ReportOutline.objects.filter(pk__in=wanted).prefetch_related(nodes):
            specs[outline.pk] = _spec_of(outline, list(outline.nodes.all()))
    return {pk: specs[outline_id] if outline_id else BUILTIN[DEFAULT] for pk, outline_id in chosen.items()}


def required_nodes(spec: OutlineSpec) -> list[tuple[NodeSpec, bool]]:
    """Every heading of an outline in order, with whether it is required in effect: a required heading under an
    optional one is required only as far as its parent is, so it is not."""
    found: list[tuple[NodeSpec, bool]] = []

    def visit(nodes: tuple[NodeSpec, ...], parent_required: bool) -> None:
        for node in nodes:
            required = parent_required and node.required
            found.append((node, required))
            visit(node.children, required)

    visit(spec.nodes, True)
    return found


# ---------------------------------------------------------------------------
# The unit's own text for a place of its report (WrittenText.key)
# ---------------------------------------------------------------------------
# "para:<block>": the unit's wording in place of the paragraphs the report generates for a content block (its tables
# stay); "node:<heading key>": the content of a free section of the outline.
WRITTEN_PARAGRAPH_PREFIX = "para:"
FREE_TEXT_PREFIX = "node:"

# The blocks whose paragraphs the report generates from the data, so that a unit may replace them with its own
# wording. Stored prose (duties, problems …) is the unit's own already, and the tables are data.
REPLACEABLE_BLOCKS: tuple[str, ...] = (
    Block.UNIT_INTRO,
    Block.OFFICES,
    Block.STAFFING,
    Block.TOTAL_SPENDING,
    Block.BASIC_SPENDING,
    Block.PROJECT_SPENDING,
    Block.GOVERNMENT_FUND,
    Block.STATE_CAPITAL,
    Block.SOCIAL_INSURANCE,
    Block.EXECUTION,
)


def para_key(block: str) -> str:
    """The key of the unit's own wording for a block's generated paragraphs: "para:staffing"."""
    return f"{WRITTEN_PARAGRAPH_PREFIX}{block}"


def free_text_key(node_key: str) -> str:
    """The key of the content of a free section: "node:other"."""
    return f"{FREE_TEXT_PREFIX}{node_key}"


@dataclass(frozen=True)
class WritingPlace:
    """One place of an outline the unit may write text for: its key, the heading it belongs to, and whether the
    report needs it (a free section required in effect; the unit's own wording of generated paragraphs never is)."""

    key: str
    node: NodeSpec
    required: bool = False

    @property
    def is_free_text(self) -> bool:
        return self.key.startswith(FREE_TEXT_PREFIX)


def writing_places(spec: OutlineSpec) -> list[WritingPlace]:
    """Every place of an outline the unit may write text for, in the outline's order: each block with generated
    paragraphs (once, under the first heading it fills) and each free section. These keys, and no others, are the
    ones the editor's 报告文字 page saves."""
    places: list[WritingPlace] = []
    seen: set[str] = set()
    for node, required in required_nodes(spec):
        if node.block == Block.FREE_TEXT:
            places.append(WritingPlace(free_text_key(node.key), node, required))
        elif node.block in REPLACEABLE_BLOCKS and node.block not in seen:
            seen.add(node.block)
            places.append(WritingPlace(para_key(node.block), node))
    return places


# ---------------------------------------------------------------------------
# The finance bureau's outlines: copy a shipped one, edit the copy's headings, choose one for a region and year
# ---------------------------------------------------------------------------
BUILTIN_READ_ONLY = _("随系统提供的提纲不能修改，请复制后修改副本。")
NAME_TAKEN = _("已有名为“%(name)s”的提纲，请换一个名称。")
HEADINGS_CHANGED = _("提纲的标题已有变动，请重新打开本页后再修改。")
BLOCK_TWICE = _("内容“%(block)s”在提纲中出现了两次（“%(first)s”和“%(second)s”），同一内容只能放在一处。")
ASSIGNMENT_TAKEN = _("%(region)s%(year)s已指定提纲“%(outline)s”，请先删除该条再重新指定。")
UNKNOWN_REGION = _("没有哪个预算单位属于地区“%(region)s”，请检查名称。")

# Blocks that may fill more than one heading: headings without content of their own, and free text (each free
# section has its own text, keyed by its heading).
REPEATABLE_BLOCKS = {Block.HEADING_ONLY, Block.FREE_TEXT}
# What a bureau may change on a heading of its own outline; the tree itself (parent, key) stays as copied.
HEADING_FIELDS = ["order", "title", "numbering", "block", "required", "item_numbering", "items_inline"]


def may_manage_outlines(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The finance bureau chooses and words the outlines; administrators too. Units follow them."""
    return bool(user.is_authenticated and (user.is_superuser or is_bureau(user)))


def copy_outline(outline: ReportOutline, *, name: str, description: str | None = None) -> ReportOutline:
    """A new outline with every heading of ``outline`` (wording, numbering, blocks, required), under a new name.
    The copy is the bureau's own: not shipped, so it can be edited."""
    name = name.strip()
    with transaction.atomic():
        if ReportOutline.objects.filter(name=name).exists():
            raise ValidationError(NAME_TAKEN, code="name_taken", params={"name": name})
        spec = outline_spec(outline)
        copy = ReportOutline.objects.create(
            name=name, description=outline.description if description is None else description
        )
        _write_nodes(copy, spec.nodes, parent=None)
    return copy


def duplicate_block_errors(headings: Iterable[dict[str, Any]]) -> list[ValidationError]:
    """A block printed under two headings would print the same figures twice: refused, naming both headings."""
    first_title: dict[str, str] = {}
    errors = []
    for heading in headings:
        block = heading["block"]
        if block in REPEATABLE_BLOCKS:
            continue
        if block in first_title:
            errors.append(
                ValidationError(
                    BLOCK_TWICE,
                    code="block_twice",
                    params={"block": Block(block).label, "first": first_title[block], "second": heading["title"]},
                )
            )
        else:
            first_title[block] = heading["title"]
    return errors


def save_headings(*, outline: ReportOutline, name: str, description: str, headings: list[dict[str, Any]]) -> None:
    """Save an outline's name and the wording, numbering, blocks, required flags and order of all its headings.
    ``headings`` has one dict per heading of the outline: its ``id`` and the :data:`HEADING_FIELDS`. Refused: a
    shipped outline, a list that is not exactly this outline's headings (a page opened on another outline or before
    a change), a block used twice. Changing an outline changes no data: reports follow it from now on."""
    with transaction.atomic():
        locked = ReportOutline.objects.select_for_update().get(pk=outline.pk)
        if locked.builtin:
            raise ValidationError(BUILTIN_READ_ONLY, code="builtin")
        name = name.strip()
        if ReportOutline.objects.filter(name=name).exclude(pk=locked.pk).exists():
            raise ValidationError(NAME_TAKEN, code="name_taken", params={"name": name})
        nodes = {node.pk: node for node in locked.nodes.all()}
        if sorted(heading["id"] for heading in headings) != sorted(nodes):
            raise ValidationError(HEADINGS_CHANGED, code="headings_changed")
        errors = duplicate_block_errors(headings)
        if errors:
            raise ValidationError(errors)
        locked.name, locked.description = name, description
        locked.save(update_fields=["name", "description"])
        for heading in headings:
            node = nodes[heading["id"]]
            for field_name in HEADING_FIELDS:
                setattr(node, field_name, heading[field_name])
        OutlineNode.objects.bulk_update(list(nodes.values()), HEADING_FIELDS)


def known_regions() -> list[str]:
    """The regions units belong to, for choosing where an outline applies (one query)."""
    return list(Unit.objects.exclude(region="").order_by("region").values_list("region", flat=True).distinct())


def assign_outline(*, outline: ReportOutline, region: str, year: int | None) -> OutlineAssignment:
    """The bureau's choice: ``outline`` for the units of ``region`` (blank: every region) in ``year`` (None: every
    year). One choice per region and year; a region no unit belongs to is refused, since it would apply to nobody."""
    region = known_region(region)
    with transaction.atomic():
        existing = OutlineAssignment.objects.filter(region=region, year=year).select_related("outline").first()
        if existing is not None:
            raise ValidationError(
                ASSIGNMENT_TAKEN,
                code="assignment_taken",
                params={**place_params(region, year), "outline": existing.outline.name},
            )
        return OutlineAssignment.objects.create(outline=outline, region=region, year=year)


def known_region(region: str) -> str:
    """A region a bureau's choice (an outline, a scoring scheme) is made for, stripped; one no unit belongs to is
    refused, since the choice would apply to nobody. Blank is every region."""
    region = region.strip()
    if region and not Unit.objects.filter(region=region).exists():
        raise ValidationError(UNKNOWN_REGION, code="unknown_region", params={"region": region})
    return region


def place_params(region: str, year: int | None) -> dict[str, Any]:
    """How a region and year read in the messages about a choice made for them."""
    return {"region": region or _("全部地区"), "year": _("%(year)s年度") % {"year": year} if year else _("各年度")}
