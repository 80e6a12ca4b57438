"""The scoring schemes that ship with the app, and the catalogue of common indicators, as plain data.

Two schemes: the national layout of the 自评表 (财预〔2020〕10号: budget execution 10, 产出 50, 效益 30, 满意度 10)
and the Hunan whole-department scheme on the 财预〔2013〕53号 framework with the weights of the 岳阳市财政局 参考样表
(domain.md §7). A bureau scores with a copy it edits (:meth:`~evaluations.scoring.SchemeSpec.to_data`); these stay
as shipped. The platform rules some provinces add (the execution-rate cap, the deduction for large deviations) are
defined here for a bureau to switch on in its copy; neither shipped scheme uses them, as neither source sheet does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .scoring import DeviationDeduction, ExecutionCap, Leaf, Level1, Level2, SchemeSpec
from .scoring_rules import (
    AT_LEAST,
    CARRYOVER_AMOUNT,
    EXECUTION_RATE,
    PREVIOUS_CARRYOVER_AMOUNT,
    THREE_TIERS,
    Band,
    CarryoverRule,
    LinearDeduction,
    PerItem,
    Proportional,
    Qualitative,
    Rule,
    StepTable,
    UnitIndicators,
)

NATIONAL = "national"
HUNAN = "hunan"


@dataclass(frozen=True)
class CommonIndicator:
    """A common indicator of the 53号 framework: its name, its formula as the note under the table prints it, and
    its inputs in words (for "无法计算（缺少…）"). The integrator computes the measure under the same key."""

    key: str
    name: str
    formula: str
    needs: str


def _catalogue(*entries: CommonIndicator) -> dict[str, CommonIndicator]:
    return {entry.key: entry for entry in entries}


COMMON_INDICATORS = _catalogue(
    CommonIndicator(EXECUTION_RATE, "预算执行率", "全年执行数 ÷ 全年预算数", "全年预算数、全年执行数"),
    CommonIndicator(
        "budget_completion_rate",
        "预算完成率",
        "（上年结转 + 年初预算 + 本年追加 − 年末结余）÷（上年结转 + 年初预算 + 本年追加）",
        "上年结转、年初预算、本年追加、年末结余",
    ),
    CommonIndicator("staff_control_rate", "在职人员控制率", "在职人员数 ÷ 编制数", "在职人员数、编制数"),
    CommonIndicator(
        "three_public_change_rate",
        "“三公经费”变动率",
        "（本年“三公经费” − 上年“三公经费”）÷ 上年“三公经费”",
        "本年和上年“三公经费”",
    ),
    CommonIndicator("key_spending_rate", "重点支出安排率", "重点项目支出 ÷ 项目支出合计", "重点项目支出、项目支出合计"),
    CommonIndicator(
        "budget_adjustment_rate",
        "预算调整率",
        "预算调整数（追加与调减之和）÷ 年初预算数",
        "预算调整数、年初预算数",
    ),
    CommonIndicator("payment_progress_rate", "支付进度率", "实际支付进度 ÷ 既定支付进度", "实际和既定支付进度"),
    CommonIndicator(
        "carryover_rate",
        "结转结余率",
        "年末结转结余总额 ÷ 支出预算数；计分比较年末结转结余与上年结转",
        "年末结转结余、上年结转",
    ),
    CommonIndicator(CARRYOVER_AMOUNT, "年末结转结余", "年末结转结余总额（元）", "年末结转结余"),
    CommonIndicator(PREVIOUS_CARRYOVER_AMOUNT, "上年结转", "上年结转到本年的资金（元）", "上年结转"),
    CommonIndicator(
        "public_funds_control_rate", "公用经费控制率", "实际公用经费 ÷ 预算公用经费", "公用经费预算数和实际数"
    ),
    CommonIndicator(
        "three_public_control_rate",
        "“三公经费”控制率",
        "“三公经费”实际支出 ÷ “三公经费”预算数",
        "“三公经费”预算数和实际支出",
    ),
    CommonIndicator(
        "procurement_execution_rate",
        "政府采购执行率",
        "实际政府采购金额 ÷ 政府采购预算数",
        "政府采购预算数和实际金额",
    ),
    CommonIndicator(
        "fixed_asset_use_rate", "固定资产利用率", "在用固定资产 ÷ 全部固定资产", "在用固定资产、固定资产总额"
    ),
    CommonIndicator(
        "management_rules",
        "管理制度健全性",
        "符合的项数：①已制定预算资金管理办法、内部财务管理制度、会计核算制度等；②制度合法、合规、完整；③制度得到有效执行",
        "符合的项数",
    ),
    CommonIndicator(
        "funds_compliance",
        "资金使用合规性",
        "不符合要求的例数：支出不合规、审批程序不完整、未按规定评估论证、不符合预算批复用途、截留挤占挪用虚列",
        "不符合要求的例数",
    ),
    CommonIndicator(
        "disclosure",
        "预决算信息公开性和完善性",
        "按规定公开预决算信息，基础数据信息和会计信息资料真实、完整、准确（定性）",
        "评价档次、得分和理由",
    ),
    CommonIndicator(
        "asset_security",
        "资产管理安全性",
        "资产保存完整、配置合理、处置规范、收入及时足额上缴（定性）",
        "评价档次、得分和理由",
    ),
)


def _common(key: str, weight: str, rule: Rule) -> Leaf:
    entry = COMMON_INDICATORS[key]
    return Leaf(key, entry.name, Decimal(weight), rule, entry.formula, entry.needs)


def _single(name: str, weight: str, leaf: Leaf) -> Level1:
    # A 一级 with one 二级 of the same name and one leaf: how the national form lays out its four blocks.
    return Level1(name, Decimal(weight), (Level2(name, Decimal(weight), (leaf,)),))


def _percent(value: str) -> Decimal:
    return Decimal(value) / 100


# ---------------------------------------------------------------------------
# National layout (财预〔2020〕10号 annex): 预算执行 10, 产出 50, 效益 30, 满意度 10
# ---------------------------------------------------------------------------
NATIONAL_SCHEME = SchemeSpec(
    key=NATIONAL,
    name="全国通用自评表（财预〔2020〕10号）",
    description="预算执行率10分，按执行率计分；产出指标50分、效益指标30分、满意度指标10分，按单位填报的绩效指标计分。",
    sections=(
        _single("预算执行", "10", _common(EXECUTION_RATE, "10", Proportional(AT_LEAST))),
        # 成本 was a 二级 of 产出 in the 2020 form; units that list it as its own 一级 still count under 产出.
        _single("产出指标", "50", Leaf("unit_output", "产出指标", Decimal("50"), UnitIndicators(("产出", "成本")))),
        _single("效益指标", "30", Leaf("unit_outcome", "效益指标", Decimal("30"), UnitIndicators(("效益",)))),
        _single(
            "满意度指标", "10", Leaf("unit_satisfaction", "满意度指标", Decimal("10"), UnitIndicators(("满意度",)))
        ),
    ),
    tiers=THREE_TIERS,
)


# ---------------------------------------------------------------------------
# Hunan whole-department scheme (财预〔2013〕53号 framework, 岳阳市财政局 参考样表): 投入 15, 过程 40, 产出 25, 效果 20
# ---------------------------------------------------------------------------
# 重点支出安排率: ≥90% 5, [80%,90%) 4, [70%,80%) 3, [60%,70%) 2, <60% 0 — "80%（含）-90%" on the sheet.
KEY_SPENDING_STEPS = StepTable(
    (
        Band(_percent("90"), None, Decimal("5")),
        Band(_percent("80"), _percent("90"), Decimal("4")),
        Band(_percent("70"), _percent("80"), Decimal("3")),
        Band(_percent("60"), _percent("70"), Decimal("2")),
        Band(None, _percent("60"), Decimal("0")),
    )
)

# 预算调整率: =0 3, (0,10%] 2, (10%,20%] 1, (20%,30%] 0.5, >30% 0 — the sheet's "0-10%（含）": upper ends included.
ADJUSTMENT_STEPS = StepTable(
    (
        Band(Decimal("0"), Decimal("0"), Decimal("3"), upper_inclusive=True),
        Band(Decimal("0"), _percent("10"), Decimal("2"), lower_inclusive=False, upper_inclusive=True),
        Band(_percent("10"), _percent("20"), Decimal("1"), lower_inclusive=False, upper_inclusive=True),
        Band(_percent("20"), _percent("30"), Decimal("0.5"), lower_inclusive=False, upper_inclusive=True),
        Band(_percent("30"), None, Decimal("0"), lower_inclusive=False),
    )
)

HUNAN_SCHEME = SchemeSpec(
    key=HUNAN,
    name="湖南部门整体支出评价（财预〔2013〕53号框架）",
    description=(
        "岳阳市财政局参考样表的分值：投入15分、过程40分由预算数据和管理情况计分，"
        "产出25分、效果20分按单位填报的绩效指标计分。"
    ),
    sections=(
        Level1(
            "投入",
            Decimal("15"),
            (
                Level2(
                    "预算配置",
                    Decimal("15"),
                    (
                        _common("staff_control_rate", "5", LinearDeduction(Decimal("1"), Decimal("0.5"))),
                        _common("three_public_change_rate", "5", LinearDeduction(Decimal("0"), Decimal("0.5"))),
                        _common("key_spending_rate", "5", KEY_SPENDING_STEPS),
                    ),
                ),
            ),
        ),
        # 过程 40 as the 参考样表 splits it: 预算执行 15, 预算管理 15, 资产管理 10. The sheet names 预算调整率 3,
        # 支付进度 3, 资金结余 3, 三公经费控制率 6 (= 15), 管理制度健全性 3 and 资金使用合规性 3; the rest of
        # 预算管理 (9) goes to its third line, 预决算信息公开性和完善性, and 资产管理 (10) is split evenly between
        # 资产管理安全性 (the unit's judgement) and 固定资产利用率 (computed: 在用 ÷ 全部).
        Level1(
            "过程",
            Decimal("40"),
            (
                Level2(
                    "预算执行",
                    Decimal("15"),
                    (
                        _common("budget_adjustment_rate", "3", ADJUSTMENT_STEPS),
                        _common("payment_progress_rate", "3", Proportional(AT_LEAST)),
                        _common("carryover_rate", "3", CarryoverRule(Decimal("3"), Decimal("2"), Decimal("0"))),
                        _common("three_public_control_rate", "6", LinearDeduction(Decimal("1"), Decimal("1"))),
                    ),
                ),
                Level2(
                    "预算管理",
                    Decimal("15"),
                    (
                        _common("management_rules", "3", PerItem(Decimal("1"), noun="项")),
                        _common("funds_compliance", "3", PerItem(Decimal("1"), deduct=True, noun="例")),
                        _common("disclosure", "9", Qualitative(THREE_TIERS)),
                    ),
                ),
                Level2(
                    "资产管理",
                    Decimal("10"),
                    (
                        _common("asset_security", "5", Qualitative(THREE_TIERS)),
                        _common("fixed_asset_use_rate", "5", Proportional(AT_LEAST)),
                    ),
                ),
            ),
        ),
        Level1(
            "产出",
            Decimal("25"),
            (
                Level2(
                    "职责履行",
                    Decimal("25"),
                    (Leaf("unit_output", "产出指标", Decimal("25"), UnitIndicators(("产出", "成本"))),),
                ),
            ),
        ),
        # 效果 takes the unit's 效益 and 满意度 indicators: the 53号 framework counts 服务对象满意度 under 效果.
        Level1(
            "效果",
            Decimal("20"),
            (
                Level2(
                    "履职效益",
                    Decimal("20"),
                    (Leaf("unit_effect", "效果指标", Decimal("20"), UnitIndicators(("效益", "效果", "满意度"))),),
                ),
            ),
        ),
    ),
    tiers=THREE_TIERS,
)

BUILTIN: dict[str, SchemeSpec] = {NATIONAL: NATIONAL_SCHEME, HUNAN: HUNAN_SCHEME}


# ---------------------------------------------------------------------------
# Platform rules a bureau may switch on in its copy (domain.md §7)
# ---------------------------------------------------------------------------
# The total capped by the execution rate: 70%–80% → at most 89 … under 50% → at most 59, ten points a band. At 80%
# and above nothing is capped.
PLATFORM_EXECUTION_CAP = ExecutionCap(
    (
        Band(_percent("70"), _percent("80"), Decimal("89")),
        Band(_percent("60"), _percent("70"), Decimal("79")),
        Band(_percent("50"), _percent("60"), Decimal("69")),
        Band(None, _percent("50"), Decimal("59")),
    )
)

# An indicator 30% or more from its target loses 2 points unless the deviation is explained.
PLATFORM_DEVIATION_DEDUCTION = DeviationDeduction(threshold=_percent("30"), points=Decimal("2"))
