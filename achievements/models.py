"""Achievements of an evaluation: the themed account of the year's work and the performance indicators with their
targets and actual values."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations import scoring_rules
from evaluations.history import content_history
from evaluations.models import Evaluation


class Theme(models.Model):
    """One themed paragraph of 工作成效, e.g. 工业运行稳中有进."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="themes", verbose_name=_("绩效自评")
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(_("正文"), blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("工作成效")
        verbose_name_plural = _("工作成效")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """A performance indicator (绩效指标) with its target (年度指标值) and actual value (实际完成值)."""

    class Direction(models.TextChoices):
        AT_LEAST = "ge", "≥"
        AT_MOST = "le", "≤"
        EQUAL = "eq", "="
        QUALITATIVE = "qualitative", _("定性")

    class Tier(models.TextChoices):
        """The engine's tiers (evaluations.scoring_rules), keyed as the engine keys them."""

        ACHIEVED = scoring_rules.ACHIEVED, _("达成")
        PARTLY = scoring_rules.PARTLY, _("部分达成")
        NOT_ACHIEVED = scoring_rules.NOT_ACHIEVED, _("未达成")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("绩效自评")
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("所属成效"),
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    level1 = models.CharField(_("一级指标"), max_length=30)
    level2 = models.CharField(_("二级指标"), max_length=30)
    name = models.CharField(_("三级指标"), max_length=100)
    measure_unit = models.CharField(_("度量单位"), max_length=20, blank=True)
    direction = models.CharField(_("指标性质"), max_length=20, choices=Direction.choices, default=Direction.AT_LEAST)
    target = models.DecimalField(
        _("年度指标值"), max_digits=18, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    actual = models.DecimalField(
        _("实际完成值"), max_digits=18, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    target_text = models.CharField(_("年度指标值（定性）"), max_length=200, blank=True)
    actual_text = models.CharField(_("实际完成值（定性）"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("分值"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    deviation_reason = models.TextField(_("偏差原因分析及改进措施"), blank=True)
    ranking = models.CharField(_("排名"), max_length=60, blank=True, help_text=_("例如：全市排名第一"))
    # The unit's own judgement, read by the scoring engine (achievements.figures.as_unit_indicator).
    not_applicable = models.BooleanField(_("不适用"), default=False)
    qualitative_tier = models.CharField(_("评价档次"), max_length=20, choices=Tier.choices, blank=True)
    self_score = models.DecimalField(
        _("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    score_reason = models.TextField(_("评分理由"), blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0) | Q(weight__isnull=True), name="weight_not_negative"),
            models.CheckConstraint(condition=Q(target__gte=0) | Q(target__isnull=True), name="target_not_negative"),
            models.CheckConstraint(condition=Q(actual__gte=0) | Q(actual__isnull=True), name="actual_not_negative"),
            models.CheckConstraint(
                condition=Q(self_score__gte=0) | Q(self_score__isnull=True), name="self_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_qualitative(self) -> bool:
        return self.direction == self.Direction.QUALITATIVE
