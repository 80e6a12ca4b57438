"""What the finance bureau keeps about each report beside its content: the key figures frozen when it was submitted
(the summary table reads them, so its cost does not grow with the number of units) and the bureau's review (复核).

Neither is report content: they are written by the workflow and by the bureau's own services, never by the editor,
and a submitted report's content cannot change, so the frozen figures are the report's figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation
from evaluations.money import MoneyField


class KeyFigures(models.Model):
    """An evaluation's headline figures as they stood at its last submission, computed by the one implementation of
    each (budgets.figures, the scoring engine) and stored so that the bureau's summary of thousands of units is one
    query. Blank is unknown, as everywhere: a figure the report does not know stays NULL."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("绩效自评")
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    total_spending = MoneyField(_("实际支出合计（元）"), null=True, blank=True)
    basic_spending = MoneyField(_("基本支出（元）"), null=True, blank=True)
    project_spending = MoneyField(_("项目支出（元）"), null=True, blank=True)
    budget = MoneyField(_("全年预算数（元）"), null=True, blank=True)
    executed = MoneyField(_("全年执行数（元）"), null=True, blank=True)
    # A ratio (1 for 100%) from the exact amounts, kept to sort by; shown rounded half-up like every rate.
    execution_rate = models.DecimalField(_("预算执行率"), max_digits=12, decimal_places=8, null=True, blank=True)
    score_total = models.DecimalField(_("自评总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("自评等级"), max_length=4, blank=True)
    scheme_name = models.CharField(_("评分方案名称"), max_length=80, blank=True)
    unexplained_shortfalls = models.PositiveIntegerField(_("未说明原因的未达标指标数"), default=0)
    failed_checks = models.PositiveIntegerField(_("未通过的数字核对项数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("关键数字")
        verbose_name_plural = _("关键数字")
        indexes = [
            models.Index(fields=["score_total"], name="key_figures_score"),
            models.Index(fields=["execution_rate"], name="key_figures_rate"),
        ]

    def __str__(self) -> str:
        return str(self.evaluation_id)


class Review(models.Model):
    """The finance bureau's review (复核) of a submitted report: an overall score with a comment, and a score per
    indicator (:class:`ReviewItem`). The unit sees it only once the bureau has released it."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="review", verbose_name=_("绩效自评")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("复核人")
    )
    score_total = models.DecimalField(_("复核得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("复核等级"), max_length=4, blank=True)
    comment = models.TextField(_("复核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    released_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    class Meta:
        verbose_name = _("财政复核")
        verbose_name_plural = _("财政复核")
        constraints = [
            models.CheckConstraint(
                condition=(Q(score_total__gte=0) & Q(score_total__lte=100)) | Q(score_total__isnull=True),
                name="review_total_within_100",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_by__isnull=False), name="review_released_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return str(self.evaluation_id)


class ReviewItem(models.Model):
    """The bureau's score for one scored line of the sheet: ``key`` is a scheme leaf's key, or
    ``indicator:<pk>`` for one of the unit's own indicators."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items", verbose_name=_("财政复核"))
    key = models.CharField(_("指标代号"), max_length=80)
    score = models.DecimalField(_("复核得分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("复核意见"), blank=True)

    class Meta:
        verbose_name = _("复核得分")
        verbose_name_plural = _("复核得分")
        ordering = ["review", "key"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="one_review_item_per_key"),
            models.CheckConstraint(condition=Q(score__gte=0), name="review_item_score_not_negative"),
        ]

    def __str__(self) -> str:
        return self.key


class PublishJob(models.Model):
    """One request to publish an evaluation, done by a worker (:func:`reports.workflow.run_publish_job`): the
    person who asked, where it stands, how many attempts it took and, when it failed, the error shown on the
    report's pages. The status change rows stay the history; this is the worker's bookkeeping beside them."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="publish_jobs", verbose_name=_("绩效自评")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    # Where a failure returns the report: approved, or approved by the department.
    return_status = models.CharField(_("失败后恢复的状态"), max_length=20, choices=Evaluation.Status.choices)
    state = models.CharField(_("进度"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    publication = models.ForeignKey(
        "evaluations.Publication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开版本"),
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公开任务")
        verbose_name_plural = _("公开任务")
        constraints = [
            # A double click, or two heads at once: one evaluation has at most one job under way.
            models.UniqueConstraint(
                fields=["evaluation"], condition=Q(state__in=["queued", "running"]), name="one_open_publish_job"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}


class PublicationCheck(models.Model):
    """One integrity check of a stored PDF against the SHA-256 its publication shows (``verify_publications``).
    Kept beside the publication, which never changes; the latest check decides whether the file is served."""

    publication = models.ForeignKey(
        "evaluations.Publication", on_delete=models.PROTECT, related_name="checks", verbose_name=_("公开版本")
    )
    checked_at = models.DateTimeField(_("检查时间"), auto_now_add=True)
    ok = models.BooleanField(_("通过"))
    detail = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("文件完整性检查")
        verbose_name_plural = _("文件完整性检查")
        indexes = [models.Index(fields=["publication", "-checked_at", "-id"], name="publication_check_latest")]

    def __str__(self) -> str:
        return f"{self.publication_id}: {'ok' if self.ok else 'failed'}"
