"""Scoring schemes the scoring stories use, as a bureau would make them: small enough that a total can be computed
from what a test enters, and stored as the bureau's own copy the unit is scored with."""

from __future__ import annotations

from decimal import Decimal

from evaluations.models import ScoringScheme, Unit
from evaluations.scoring import Leaf, Level1, Level2, SchemeSpec
from evaluations.scoring_rules import AT_LEAST, THREE_TIERS, Proportional, Qualitative, UnitIndicators

D = Decimal

# 预算管理 60: 预决算信息公开 (qualitative, 部分达成 36–48); 资产管理 40: 资产管理安全性 (qualitative, 20 points,
# 达成 16–20) and 固定资产利用率 (computed, 20 points). No execution rate is read, so a total needs only these.
MANAGEMENT_SCHEME = SchemeSpec(
    key="",
    name="渌口区管理评分",
    description="预决算信息公开、资产管理安全性由单位自评，固定资产利用率按数据计分。",
    sections=(
        Level1(
            "过程",
            D("100"),
            (
                Level2(
                    "预算管理",
                    D("60"),
                    (Leaf("disclosure", "预决算信息公开性和完善性", D("60"), Qualitative(THREE_TIERS)),),
                ),
                Level2(
                    "资产管理",
                    D("40"),
                    (
                        Leaf("asset_security", "资产管理安全性", D("20"), Qualitative(THREE_TIERS)),
                        Leaf(
                            "fixed_asset_use_rate",
                            "固定资产利用率",
                            D("20"),
                            Proportional(AT_LEAST),
                            "在用固定资产 ÷ 全部固定资产",
                            "在用固定资产、固定资产总额",
                        ),
                    ),
                ),
            ),
        ),
    ),
    reason_below=None,
)

# 产出 100, on the unit's own 产出 indicators only: a total as soon as they carry 分值, targets and actuals.
OUTPUT_SCHEME = SchemeSpec(
    key="",
    name="渌口区产出评分",
    description="只按单位填报的产出指标计分。",
    sections=(
        Level1(
            "产出指标",
            D("100"),
            (Level2("产出指标", D("100"), (Leaf("unit_output", "产出指标", D("100"), UnitIndicators(("产出",))),)),),
        ),
    ),
    reason_below=None,
)


def score_unit_with(unit: Unit, spec: SchemeSpec) -> ScoringScheme:
    """Store ``spec`` as the bureau's own scheme and give it to ``unit`` (an administrator's choice)."""
    scheme = ScoringScheme.objects.create(name=spec.name, description=spec.description, data=spec.to_data())
    Unit.objects.filter(pk=unit.pk).update(scoring_scheme=scheme)
    unit.scoring_scheme = scheme
    return scheme
