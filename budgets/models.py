"""Budget figures of an evaluation: basic spending against last year, project spending by source of funds, and the
budget-execution block of the national self-evaluation table. Amounts are 元 to the fen."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations.history import content_history
from evaluations.models import Evaluation
from evaluations.money import MoneyField


class BasicSpending(models.Model):
    """One category of basic spending (基本支出) this year and last year, with the reason for the change."""

    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("人员经费")
        OPERATING = "operating", _("日常公用经费")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="basic_spending", verbose_name=_("绩效自评")
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    # Blank is unknown, never zero: a unit may know this year's amount and not last year's.
    amount = MoneyField(_("本年决算数（元）"), null=True, blank=True)
    previous_amount = MoneyField(_("上年决算数（元）"), null=True, blank=True)
    change_reason = models.TextField(_("增减原因"), blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("基本支出")
        verbose_name_plural = _("基本支出")
        ordering = ["evaluation", "category"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "category"], name="one_basic_line_per_category"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(amount__isnull=True), name="basic_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(previous_amount__gte=0) | Q(previous_amount__isnull=True),
                name="basic_previous_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class FundSource(models.Model):
    """A source of project funds (资金来源), e.g. 区本级专项资金 or 省市下达专项资金. Sources are data: each unit
    names its own."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="fund_sources", verbose_name=_("绩效自评")
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("资金来源"), max_length=60)
    description = models.CharField(
        _("说明"),
        max_length=200,
        blank=True,
        help_text=_("报告中接在小计之后的说明，例如：是省市两级下达给企业的项目资金"),
    )

    history = content_history()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="fund_source_unique_per_evaluation"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectItem(models.Model):
    """One project spending item (项目支出) paid from one source of funds."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="project_items", verbose_name=_("绩效自评")
    )
    # Optional: many reports list items without saying where the money came from.
    source = models.ForeignKey(
        FundSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("资金来源"),
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("项目名称"), max_length=120)
    description = models.CharField(
        _("报告表述"),
        max_length=300,
        blank=True,
        help_text=_("报告正文中金额之前的表述；留空则使用项目名称。"),
    )
    amount = MoneyField(_("决算数（元）"), default=0)

    history = content_history()

    class Meta:
        verbose_name = _("项目支出")
        verbose_name_plural = _("项目支出")
        ordering = ["source__order", "source_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="project_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def wording(self) -> str:
        return self.description or self.name


class BudgetExecution(models.Model):
    """Budget against execution for basic or project spending: the funds block of the 部门整体支出绩效自评表."""

    class Kind(models.TextChoices):
        # Two breakdowns of the same 年度资金总额, as the national 自评表 prints them: by kind of spending and, under
        # "其中", by source of funds. Each line is optional; budgets.figures reconciles them.
        BASIC = "basic", _("基本支出")
        PROJECT = "project", _("项目支出")
        FISCAL = "fiscal", _("财政拨款")
        CARRYOVER = "carryover", _("上年结转资金")
        OTHER = "other", _("其他资金")

    # The two breakdowns, in the order the 自评表 prints them.
    SPENDING_KINDS = (Kind.BASIC, Kind.PROJECT)
    SOURCES = (Kind.FISCAL, Kind.CARRYOVER, Kind.OTHER)

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="budget_execution", verbose_name=_("绩效自评")
    )
    kind = models.CharField(_("支出类型"), max_length=20, choices=Kind.choices)
    initial_budget = MoneyField(_("年初预算数（元）"), null=True, blank=True)
    full_year_budget = MoneyField(_("全年预算数（元）"), null=True, blank=True)
    executed = MoneyField(_("全年执行数（元）"), null=True, blank=True)
    # The columns behind 预算完成率, 预算调整率 and 结转结余 (issue 10) live on these lines rather than in a model of
    # their own: 决算 tables state them per 基本/项目 beside the columns above, the totals are the same known sums
    # of both lines, and one row per kind keeps one place for every budget column of the funds block.
    carryover_from_last_year = MoneyField(_("上年结转（元）"), null=True, blank=True)
    additions = MoneyField(_("本年追加（元）"), null=True, blank=True)
    reductions = MoneyField(_("本年调减（元）"), null=True, blank=True)
    year_end_carryover = MoneyField(_("年末结转结余（元）"), null=True, blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("预算执行")
        verbose_name_plural = _("预算执行")
        ordering = ["evaluation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "kind"], name="one_execution_line_per_kind"),
            models.CheckConstraint(
                condition=Q(initial_budget__gte=0) | Q(initial_budget__isnull=True),
                name="execution_initial_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(full_year_budget__gte=0) | Q(full_year_budget__isnull=True),
                name="execution_full_year_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(executed__gte=0) | Q(executed__isnull=True), name="execution_executed_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(carryover_from_last_year__gte=0) | Q(carryover_from_last_year__isnull=True))
                & (Q(additions__gte=0) | Q(additions__isnull=True))
                & (Q(reductions__gte=0) | Q(reductions__isnull=True))
                & (Q(year_end_carryover__gte=0) | Q(year_end_carryover__isnull=True)),
                name="execution_adjustments_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class SpendingSummary(models.Model):
    """The totals a report may state without their parts: total budget (预算安排) and total actual spending, and
    basic and project spending as totals. Each is optional; when the parts are entered too, they must reconcile."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="spending_summary", verbose_name=_("绩效自评")
    )
    total_budget = MoneyField(_("预算安排（元）"), null=True, blank=True)
    total_spending = MoneyField(_("实际支出合计（元）"), null=True, blank=True)
    basic_total = MoneyField(_("基本支出合计（元）"), null=True, blank=True)
    project_total = MoneyField(_("项目支出合计（元）"), null=True, blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("支出总体情况")
        verbose_name_plural = _("支出总体情况")
        constraints = [
            models.CheckConstraint(
                condition=(Q(total_budget__gte=0) | Q(total_budget__isnull=True))
                & (Q(total_spending__gte=0) | Q(total_spending__isnull=True))
                & (Q(basic_total__gte=0) | Q(basic_total__isnull=True))
                & (Q(project_total__gte=0) | Q(project_total__isnull=True)),
                name="summary_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class FundTypeSpending(models.Model):
    """Spending from one of the budgets beside the general public budget: 政府性基金预算, 国有资本经营预算,
    社会保险基金预算. ``has_spending`` is None while nobody has said; False prints the outline's "本单位无此项支出"."""

    class FundType(models.TextChoices):
        GOVERNMENT_FUND = "government_fund", _("政府性基金预算")
        STATE_CAPITAL = "state_capital", _("国有资本经营预算")
        SOCIAL_INSURANCE = "social_insurance", _("社会保险基金预算")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="fund_type_spending", verbose_name=_("绩效自评")
    )
    fund_type = models.CharField(_("预算类型"), max_length=30, choices=FundType.choices)
    has_spending = models.BooleanField(_("本年有此项支出"), null=True, blank=True)
    amount = MoneyField(_("支出金额（元）"), null=True, blank=True)
    narrative = models.TextField(_("支出情况说明"), blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("其他预算类型支出")
        verbose_name_plural = _("其他预算类型支出")
        ordering = ["evaluation", "fund_type"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "fund_type"], name="one_line_per_fund_type"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(amount__isnull=True), name="fund_type_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.get_fund_type_display()


THREE_PUBLIC_ITEMS = ("abroad", "vehicles", "reception")
THREE_PUBLIC_COLUMNS = ("budget", "actual", "previous_budget", "previous_actual")
COMMON_AMOUNTS = (
    *(f"{item}_{column}" for item in THREE_PUBLIC_ITEMS for column in THREE_PUBLIC_COLUMNS),
    "procurement_budget",
    "procurement_actual",
    "public_funds_budget",
    "fixed_assets_in_use",
    "fixed_assets_total",
    "key_project_spending",
)


def _none_negative(names: tuple[str, ...]) -> Q:
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__gte": 0}) | Q(**{f"{name}__isnull": True})
    return condition


class CommonFigures(models.Model):
    """The unit-level figures behind the common indicators of the 财预〔2013〕53号 framework (issue 10): “三公经费”,
    政府采购, 公用经费 budget, 固定资产, 重点项目支出, payment progress, and two counts of the 预算管理 indicators.
    One row per evaluation, every figure optional: blank is unknown, never zero.

    What is entered elsewhere is read from there, not copied: the budget columns by 基本/项目 are on
    :class:`BudgetExecution`; 实际公用经费 is 日常公用经费 on :class:`BasicSpending` (the 决算's 公用经费 of basic
    spending); 编制数 and 在职人数 are the profile's staffing (:mod:`evaluations.measures`). The formulas are in
    :mod:`budgets.figures`."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="common_figures", verbose_name=_("绩效自评")
    )
    # “三公经费”: each item's budget and actual, this year and last year (决算 tables print all four).
    abroad_budget = MoneyField(_("因公出国（境）费本年预算数（元）"), null=True, blank=True)
    abroad_actual = MoneyField(_("因公出国（境）费本年实际支出（元）"), null=True, blank=True)
    abroad_previous_budget = MoneyField(_("因公出国（境）费上年预算数（元）"), null=True, blank=True)
    abroad_previous_actual = MoneyField(_("因公出国（境）费上年实际支出（元）"), null=True, blank=True)
    vehicles_budget = MoneyField(_("公务用车购置及运行费本年预算数（元）"), null=True, blank=True)
    vehicles_actual = MoneyField(_("公务用车购置及运行费本年实际支出（元）"), null=True, blank=True)
    vehicles_previous_budget = MoneyField(_("公务用车购置及运行费上年预算数（元）"), null=True, blank=True)
    vehicles_previous_actual = MoneyField(_("公务用车购置及运行费上年实际支出（元）"), null=True, blank=True)
    reception_budget = MoneyField(_("公务接待费本年预算数（元）"), null=True, blank=True)
    reception_actual = MoneyField(_("公务接待费本年实际支出（元）"), null=True, blank=True)
    reception_previous_budget = MoneyField(_("公务接待费上年预算数（元）"), null=True, blank=True)
    reception_previous_actual = MoneyField(_("公务接待费上年实际支出（元）"), null=True, blank=True)
    procurement_budget = MoneyField(_("政府采购预算数（元）"), null=True, blank=True)
    procurement_actual = MoneyField(_("实际政府采购金额（元）"), null=True, blank=True)
    public_funds_budget = MoneyField(_("公用经费预算数（元）"), null=True, blank=True)
    fixed_assets_in_use = MoneyField(_("在用固定资产（元）"), null=True, blank=True)
    fixed_assets_total = MoneyField(_("固定资产总额（元）"), null=True, blank=True)
    key_project_spending = MoneyField(_("重点项目支出（元）"), null=True, blank=True)
    # Payment progress is a share of the budget (53号: 实际支付进度 and 既定支付进度 are 比率), kept in percent as the
    # unit states it (95.00 for 95%); the indicator is their ratio.
    payment_progress_actual = models.DecimalField(
        _("实际支付进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    payment_progress_planned = models.DecimalField(
        _("既定支付进度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # The two counted indicators of 预算管理 (domain.md §7): criteria met (of three) and violations found.
    rules_met = models.PositiveSmallIntegerField(_("管理制度健全性：符合的项数"), null=True, blank=True)
    violations = models.PositiveSmallIntegerField(_("资金使用合规性：不符合要求的例数"), null=True, blank=True)
    execution_reason = models.TextField(
        _("预算执行率低于90%的原因"), blank=True, help_text=_("执行率低于90%时须填写。")
    )

    history = content_history()

    class Meta:
        verbose_name = _("共性指标数据")
        verbose_name_plural = _("共性指标数据")
        constraints = [
            models.CheckConstraint(condition=_none_negative(COMMON_AMOUNTS), name="common_amounts_not_negative"),
            models.CheckConstraint(
                condition=(Q(payment_progress_actual__gte=0) | Q(payment_progress_actual__isnull=True))
                & (Q(payment_progress_actual__lte=100) | Q(payment_progress_actual__isnull=True))
                & (Q(payment_progress_planned__gte=0) | Q(payment_progress_planned__isnull=True))
                & (Q(payment_progress_planned__lte=100) | Q(payment_progress_planned__isnull=True)),
                name="common_payment_progress_in_range",
            ),
            models.CheckConstraint(
                condition=Q(rules_met__lte=3) | Q(rules_met__isnull=True), name="common_rules_met_at_most_three"
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
