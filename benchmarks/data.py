"""Evaluations to benchmark: the demo and a large synthetic one, in a throwaway in-memory database."""

from __future__ import annotations

import atexit
import datetime
import os
import shutil
import tempfile
from decimal import Decimal


def setup_django() -> None:
    """Django on a throwaway SQLite file, so a benchmark never touches the development data. Not ":memory:":
    Playwright's event loop gives Django a second connection, which would see a second, empty database."""
    folder = tempfile.mkdtemp(prefix="report-bench-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Playwright's sync API runs an event loop in this thread; the benchmark is single-threaded, so Django's guard
    # against database calls from async code does not apply (the browser tests set the same).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def demo_evaluation():
    from evaluations.models import Unit
    from reports.demo import lukou_2024 as seed
    from reports.management.commands.loaddemo import build_seed_evaluation

    unit = Unit.objects.create(**seed.UNIT)
    return build_seed_evaluation(unit)


def large_evaluation(*, themes: int = 20, project_items: int = 60, indicators: int = 200, sources: int = 4):
    """A report far longer than any real one: many themes, items, sources and indicators, every field filled."""
    from achievements.models import Indicator, Theme
    from budgets.models import BasicSpending, BudgetExecution, FundSource, ProjectItem
    from evaluations.models import Duty, Evaluation, Office, StaffingLine, Unit
    from reports.demo import lukou_2024 as seed

    unit = Unit.objects.create(
        name="株洲市渌口区综合测试局", short_name="测试局", self_reference="我局", level="正科级行政单位"
    )
    evaluation = Evaluation.objects.create(
        unit=unit,
        year=2024,
        mandate="主管全区综合测试工作",
        overall_goal=seed.MEASURES,
        overall_goal_result=seed.PROBLEMS,
        problems="\n".join([seed.PROBLEMS] * 3),
        measures="\n".join([seed.MEASURES] * 3),
        results_use=seed.RESULTS_USE,
        signature_date=datetime.date(2025, 5, 22),
        staff_transferred_in=2,
        staff_retired=1,
    )
    Duty.objects.bulk_create(Duty(evaluation=evaluation, order=n, text=t) for n, t in enumerate(seed.DUTIES, 1))
    Office.objects.bulk_create(Office(evaluation=evaluation, order=n, name=o) for n, o in enumerate(seed.OFFICES, 1))
    StaffingLine.objects.create(evaluation=evaluation, establishment_type="行政编制", approved=12, actual=10)
    StaffingLine.objects.create(evaluation=evaluation, establishment_type="事业编制", approved=12, actual=11)
    BasicSpending.objects.create(
        evaluation=evaluation, category="personnel", amount=Decimal("3864449"), previous_amount=Decimal("4710700")
    )
    BasicSpending.objects.create(
        evaluation=evaluation, category="operating", amount=Decimal("880551"), previous_amount=Decimal("861200")
    )
    BudgetExecution.objects.create(
        evaluation=evaluation, kind="basic", initial_budget=4800000, full_year_budget=4900000, executed=4745000
    )
    BudgetExecution.objects.create(
        evaluation=evaluation, kind="project", initial_budget=9000000, full_year_budget=13000000, executed=12312400
    )
    source_rows = [
        FundSource.objects.create(evaluation=evaluation, order=n, name=f"资金来源{n}", description="是上级下达的资金")
        for n in range(1, sources + 1)
    ]
    ProjectItem.objects.bulk_create(
        ProjectItem(
            evaluation=evaluation,
            source=source_rows[n % sources],
            order=n,
            name=f"第{n}号专项资金项目",
            amount=Decimal(10000 + 137 * n),
        )
        for n in range(1, project_items + 1)
    )
    theme_rows = [
        Theme.objects.create(evaluation=evaluation, order=n, title=f"测试成效{n}", body=seed.THEMES[n % 5][1])
        for n in range(1, themes + 1)
    ]
    Indicator.objects.bulk_create(
        Indicator(
            evaluation=evaluation,
            theme=theme_rows[n % themes],
            order=n,
            level1=("产出指标", "效益指标", "满意度指标")[n % 3],
            level2="数量指标",
            name=f"测试指标{n}",
            measure_unit="家",
            direction="ge",
            target=Decimal(100),
            actual=Decimal(80 + n % 40),
            weight=Decimal("0.45"),
            deviation_reason="受市场环境影响，部分企业未能按期完成。" if n % 40 < 20 else "",
        )
        for n in range(1, indicators + 1)
    )
    return evaluation
