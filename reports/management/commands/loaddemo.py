"""Load the demo: the seed unit with its complete 2024 evaluation under the seed's outline, scored under the shipped
Hunan scheme (chosen for its region and year, with the figures the seed does not print supplied as marked in
reports/demo/lukou_2024.py), a second unit whose 2024 draft follows the fuller Hunan outline with totals only, and one
account per role. Running it again changes nothing that is already there."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from achievements.models import Indicator, Theme
from budgets.models import (
    BasicSpending,
    BudgetExecution,
    CommonFigures,
    FundSource,
    FundTypeSpending,
    ProjectItem,
    SpendingSummary,
)
from evaluations.history import create_rows, update_rows
from evaluations.models import (
    Duty,
    Evaluation,
    LeafAssessment,
    Membership,
    Office,
    SchemeAssignment,
    StaffingLine,
    Unit,
)
from evaluations.outlines import HUNAN, ensure_builtin_outlines
from evaluations.scoring_schemes import ensure_builtin_schemes
from reports import workflow
from reports.demo import agriculture_2024 as other
from reports.demo import lukou_2024 as seed
from reports.publication import PublicationError

DEMO_PASSWORD = "lukou-demo-2024"

OTHER_UNIT = other.UNIT

# username, display name, unit key ("seed", "other" or None), role (None for the administrator)
ACCOUNTS = [
    ("wangfang", "王芳", "seed", Membership.Role.PREPARER),
    ("liqiang", "李强", "seed", Membership.Role.HEAD),
    ("zhaomin", "赵敏", "other", Membership.Role.PREPARER),
    ("chenjing", "陈静", None, Membership.Role.BUREAU),
    ("admin", "系统管理员", None, None),
]


class Command(BaseCommand):
    help = "载入演示数据：渌口区科工信局2024年度自评报告、第二个单位和各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-publish",
            dest="publish",
            action="store_false",
            help="不公开2024年度报告（保留草稿，供演示填报）。",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        outlines = ensure_builtin_outlines()
        seed_unit, _ = Unit.objects.update_or_create(name=seed.UNIT["name"], defaults=seed.UNIT)
        # The seed unit follows the default outline (the seed's); the second unit is given the fuller Hunan one.
        other_unit, _ = Unit.objects.update_or_create(
            name=OTHER_UNIT["name"], defaults={**OTHER_UNIT, "outline": outlines[HUNAN]}
        )
        units = {"seed": seed_unit, "other": other_unit}

        if Evaluation.objects.filter(unit=seed_unit, year=seed.YEAR).exists():
            self.stdout.write(f"已存在：{seed_unit.name}{seed.YEAR}年度绩效自评（未改动）")
        else:
            add_scoring_data(build_seed_evaluation(seed_unit))
            self.stdout.write(f"已创建：{seed_unit.name}{seed.YEAR}年度绩效自评")
        self.stdout.write(assign_demo_scheme(seed_unit))

        if not Evaluation.objects.filter(unit=other_unit, year=seed.YEAR).exists():
            build_other_evaluation(other_unit)

        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, display_name, unit_key, role in ACCOUNTS:
            user = ensure_account(username, display_name, units.get(unit_key), role)
            where = units[unit_key].name if unit_key else "—"
            role_label = role.label if role else "系统管理员"
            self.stdout.write(f"  {user.username:<10} {display_name:<6} {role_label:<6} {where}")

        if options["publish"]:
            self.stdout.write(publish_seed_evaluation(seed_unit))


def publish_seed_evaluation(unit: Unit) -> str:
    """Take the seed's 2024 report through the real workflow, so the portal has a real report to show: 王芳 submits
    it, 李强 approves and publishes it. Each step runs only if the report is still before it, so running the command
    again publishes nothing twice; a report someone has returned or reopened is left alone."""
    User = get_user_model()
    preparer, head = User.objects.get(username="wangfang"), User.objects.get(username="liqiang")
    evaluation = Evaluation.objects.get(unit=unit, year=seed.YEAR)
    Status = Evaluation.Status
    if evaluation.status == Status.PUBLISHED:
        return f"已公开：{evaluation.title}（未改动）"
    try:
        if evaluation.status == Status.DRAFT:
            evaluation = workflow.submit(evaluation=evaluation, actor=preparer, comment="演示数据：提交审核")
        if evaluation.status == Status.SUBMITTED:
            evaluation = workflow.approve(evaluation=evaluation, actor=head, comment="演示数据：审核通过")
    except ValidationError as error:
        # A draft loaded by an older version of the demo lacks what the score needs: it is left for people to finish.
        return f"未公开：{evaluation.title} 尚不能提交或审核：{'；'.join(error.messages)}"
    if evaluation.status != Status.APPROVED:
        return f"未公开：{evaluation.title} 当前为“{evaluation.get_status_display()}”，演示数据不替人处理。"
    try:
        publication = workflow.publish(evaluation=evaluation, actor=head)
    except PublicationError as error:
        # The demo still loads without a PDF renderer (e.g. missing Pango); the report stays approved.
        return f"未公开：{error}"
    return f"已公开：{publication}，SHA-256 {publication.pdf_sha256}"


def ensure_account(username: str, display_name: str, unit: Unit | None, role: str | None):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": display_name, "email": f"{username}@example.invalid"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    if role is None:
        user.is_staff = True
        user.is_superuser = True
    user.save()
    if role is not None:
        Membership.objects.update_or_create(user=user, defaults={"unit": unit, "role": role})
    return user


def build_seed_evaluation(unit: Unit) -> Evaluation:
    evaluation = Evaluation.objects.create(
        unit=unit,
        year=seed.YEAR,
        mandate=seed.MANDATE,
        problems=seed.PROBLEMS,
        measures=seed.MEASURES,
        results_use=seed.RESULTS_USE,
        signature_date=datetime.date(*seed.SIGNATURE_DATE),
        **seed.MOVEMENTS,
    )
    create_rows(
        Duty,
        [Duty(evaluation=evaluation, order=n, text=text) for n, text in enumerate(seed.DUTIES, start=1)],
    )
    create_rows(
        Office,
        [Office(evaluation=evaluation, order=n, name=name) for n, name in enumerate(seed.OFFICES, start=1)],
    )
    create_rows(
        StaffingLine,
        [
            StaffingLine(evaluation=evaluation, order=n, establishment_type=kind, approved=approved, actual=actual)
            for n, (kind, approved, actual) in enumerate(seed.STAFFING, start=1)
        ],
    )
    create_rows(
        BasicSpending,
        [
            BasicSpending(
                evaluation=evaluation, category=category, amount=amount, previous_amount=previous, change_reason=why
            )
            for category, (amount, previous, why) in seed.BASIC_SPENDING.items()
        ],
    )
    for source_order, (source_name, source_description, items) in enumerate(seed.PROJECT_SOURCES, start=1):
        source = FundSource.objects.create(
            evaluation=evaluation, order=source_order, name=source_name, description=source_description
        )
        create_rows(
            ProjectItem,
            [
                ProjectItem(
                    evaluation=evaluation, source=source, order=n, name=name, description=wording, amount=amount
                )
                for n, (name, wording, amount) in enumerate(items, start=1)
            ],
        )
    # The seed publishes no budget-execution figures: the lines exist, empty, for the preparer to fill in.
    create_rows(
        BudgetExecution,
        [BudgetExecution(evaluation=evaluation, kind=kind) for kind in BudgetExecution.Kind.values],
    )
    themes = [
        Theme.objects.create(evaluation=evaluation, order=n, title=title, body=body)
        for n, (title, body) in enumerate(seed.THEMES, start=1)
    ]
    create_rows(
        Indicator,
        [
            Indicator(
                evaluation=evaluation,
                theme=themes[theme_index],
                order=n,
                level1=level1,
                level2=level2,
                name=name,
                measure_unit=measure_unit,
                direction=direction,
                target=target,
                actual=actual,
                ranking=ranking,
            )
            for n, (theme_index, level1, level2, name, measure_unit, direction, target, actual, ranking) in enumerate(
                seed.INDICATORS, start=1
            )
        ],
    )
    return evaluation


def assign_demo_scheme(unit: Unit) -> str:
    """The finance bureau's choice for the demo: the shipped Hunan scheme for the seed unit's region in the seed's
    year. A choice already made for that region and year (by a previous run, or by the bureau) is left as it is."""
    existing = SchemeAssignment.objects.filter(region=unit.region, year=seed.YEAR).select_related("scheme").first()
    if existing is not None:
        return f"已有评分方案：{unit.region}{seed.YEAR}年度 “{existing.scheme.name}”（未改动）"
    scheme = ensure_builtin_schemes()[seed.SCORING_SCHEME]
    SchemeAssignment.objects.create(scheme=scheme, region=unit.region, year=seed.YEAR)
    return f"已指定评分方案：{unit.region}{seed.YEAR}年度 “{scheme.name}”"


def add_scoring_data(evaluation: Evaluation) -> Evaluation:
    """What the score needs and the seed does not print (reports/demo/lukou_2024.py marks each figure as from the
    seed or illustrative): 编制数, the funds block by 基本/项目 and by source, the common figures, the unit's judgement
    of the scheme's qualitative leaves, and the indicators' 分值 (with the targets the seed leaves out)."""
    lines = list(evaluation.staffing_lines.all())
    for line in lines:
        line.approved = seed.APPROVED_POSTS[line.establishment_type]
    update_rows(StaffingLine, lines, ["approved"])

    columns = dict.fromkeys(seed.EXECUTION_COLUMNS)
    existing = {row.kind: row for row in evaluation.budget_execution.all()}
    for row in existing.values():
        for name, value in zip(seed.EXECUTION_COLUMNS, seed.EXECUTION[row.kind], strict=True):
            setattr(row, name, value)
    update_rows(BudgetExecution, list(existing.values()), columns)
    create_rows(
        BudgetExecution,
        [
            BudgetExecution(evaluation=evaluation, kind=kind, **dict(zip(seed.EXECUTION_COLUMNS, values, strict=True)))
            for kind, values in seed.EXECUTION.items()
            if kind not in existing
        ],
    )
    create_rows(CommonFigures, [CommonFigures(evaluation=evaluation, **seed.COMMON_FIGURES)])
    create_rows(
        LeafAssessment,
        [
            LeafAssessment(evaluation=evaluation, key=key, tier=tier, score=score, reason=reason)
            for key, (tier, score, reason) in seed.LEAF_ASSESSMENTS.items()
        ],
    )
    indicators = list(evaluation.indicators.all())
    for indicator in indicators:
        indicator.weight = seed.INDICATOR_WEIGHTS[indicator.name]
        if indicator.target is None:
            indicator.target = seed.ILLUSTRATIVE_TARGETS.get(indicator.name)
    update_rows(Indicator, indicators, ["weight", "target"])
    return evaluation


def build_other_evaluation(unit: Unit) -> Evaluation:
    """The second unit's 2024 draft (reports/demo/agriculture_2024.py): totals only, typed in 万元, under the fuller
    Hunan outline. Its preparer 赵敏 and the seed unit never see each other's work."""
    evaluation = Evaluation.objects.create(
        unit=unit,
        year=other.YEAR,
        mandate=other.MANDATE,
        amount_unit=other.AMOUNT_UNIT,
        staff_on_roll=other.STAFF_ON_ROLL,
        staffing_authority=other.STAFFING_AUTHORITY,
        overall_goal=other.OVERALL_GOAL,
        problems=other.PROBLEMS,
        measures=other.MEASURES,
        results_use=other.RESULTS_USE,
        **other.MOVEMENTS,
    )
    create_rows(
        Duty,
        [Duty(evaluation=evaluation, order=n, text=text) for n, text in enumerate(other.DUTIES, start=1)],
    )
    offices = [(group, name) for group, names in other.OFFICES for name in names]
    create_rows(
        Office,
        [
            Office(evaluation=evaluation, order=n, name=name, group=group)
            for n, (group, name) in enumerate(offices, start=1)
        ],
    )
    create_rows(
        StaffingLine,
        [
            StaffingLine(evaluation=evaluation, order=n, establishment_type=kind, approved=approved, actual=actual)
            for n, (kind, approved, actual) in enumerate(other.STAFFING, start=1)
        ],
    )
    create_rows(SpendingSummary, [SpendingSummary(evaluation=evaluation, **other.TOTALS)])
    create_rows(
        FundTypeSpending,
        [
            FundTypeSpending(
                evaluation=evaluation, fund_type=kind, has_spending=has, amount=amount, narrative=narrative
            )
            for kind, (has, amount, narrative) in other.FUND_TYPES.items()
        ],
    )
    create_rows(
        Theme,
        [
            Theme(evaluation=evaluation, order=n, title=title, body=body)
            for n, (title, body) in enumerate(other.THEMES, start=1)
        ],
    )
    return evaluation
