"""The hub of the application: budget units, their people, and the annual self-evaluation with its profile and
narrative sections. Figures live in ``budgets`` and ``achievements`` and point at :class:`Evaluation`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .history import content_history
from .money import MoneyField


class Unit(models.Model):
    """A budget unit (预算单位): a bureau, a township government, a county office."""

    name = models.CharField(_("单位全称"), max_length=100, unique=True)
    short_name = models.CharField(_("单位简称"), max_length=40, blank=True)
    self_reference = models.CharField(
        _("自称"),
        max_length=10,
        default="我单位",
        help_text=_("报告中单位的自称，例如“我局”“我单位”。"),
    )
    level = models.CharField(_("级别和性质"), max_length=40, blank=True, help_text=_("例如：正科级行政单位"))
    region = models.CharField(_("所属地区"), max_length=60, blank=True)
    code = models.CharField(_("单位编码"), max_length=30, blank=True)
    outline = models.ForeignKey(
        "ReportOutline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报告提纲"),
        help_text=_("留空则使用财政局为本地区和年度选定的提纲。"),
    )
    scoring_scheme = models.ForeignKey(
        "ScoringScheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评分方案"),
        help_text=_("留空则使用财政局为本地区和年度选定的评分方案。"),
    )
    # A 主管部门 and its 下属单位 form a tree; the department's reviewers see the reports of every unit under it.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("主管部门"),
        help_text=_("本单位的主管部门；留空则直接由财政局管理。"),
    )

    class Meta:
        verbose_name = _("预算单位")
        verbose_name_plural = _("预算单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unit_code_unique_when_set"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # One home for the rule: evaluations.departments.cycle_refusal (the admin and services call clean()).
        from .departments import cycle_refusal

        refusal = cycle_refusal(self, self.parent_id)
        if refusal is not None:
            raise ValidationError({"parent": refusal})


class Membership(models.Model):
    """Which unit a person works for and in what role. Finance-bureau staff belong to no unit; administrators are
    Django superusers and need no membership."""

    class Role(models.TextChoices):
        PREPARER = "preparer", _("填报人")
        HEAD = "head", _("单位负责人")
        BUREAU = "bureau", _("财政局")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("用户")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("所属单位"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")
        constraints = [
            # Unit staff must name their unit; the bureau oversees every unit and belongs to none.
            models.CheckConstraint(
                condition=(Q(role="bureau") & Q(unit__isnull=True))
                | (Q(role__in=["preparer", "head"]) & Q(unit__isnull=False)),
                name="membership_unit_matches_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else _("财政局")
        return f"{self.user} · {where} · {self.get_role_display()}"


class AmountUnit(models.TextChoices):
    """The unit amounts are typed in. They are always stored in 元 to the fen; 万元 with up to six decimals is exact."""

    YUAN = "yuan", _("元")
    WAN = "wan", _("万元")


class Evaluation(models.Model):
    """One unit's self-evaluation of one fiscal year, with that year's profile and narrative sections."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")
        DEPT_APPROVED = "dept_approved", _("主管部门已审核")
        # Accepted for publication; a worker is rendering and storing the PDF (reports.workflow.run_publish_job).
        # Locked like an approved report; it ends published, or back where it was with the error.
        PUBLISHING = "publishing", _("公开中")
        PUBLISHED = "published", _("已公开")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("预算单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    # Profile of the year
    mandate = models.CharField(
        _("主管职能概述"),
        max_length=200,
        blank=True,
        help_text=_("接在“……是”之后、级别之前，例如：主管全区科技、工业和信息化"),
    )
    # Blank is unknown, never zero: a figure nobody entered produces no sentence (issue 9).
    staff_transferred_in = models.PositiveIntegerField(_("全年调入在职人员"), null=True, blank=True)
    staff_transferred_out = models.PositiveIntegerField(_("全年调出在职人员"), null=True, blank=True)
    staff_retired = models.PositiveIntegerField(_("办理在职人员退休"), null=True, blank=True)
    retirees_deceased = models.PositiveIntegerField(_("退休人员去世"), null=True, blank=True)
    staff_on_roll = models.PositiveIntegerField(_("在编人数"), null=True, blank=True)
    staffing_authority = models.CharField(_("编制核定机关"), max_length=60, blank=True, help_text=_("例如：县编委"))
    staffing_date = models.DateField(
        _("人员情况截止日期"), null=True, blank=True, help_text=_("留空则为当年12月31日。")
    )

    # Narrative sections
    overall_goal = models.TextField(_("年度总体目标"), blank=True)
    overall_goal_result = models.TextField(_("年度总体目标实际完成情况"), blank=True)
    problems = models.TextField(_("存在的问题及原因分析"), blank=True)
    measures = models.TextField(_("下一步改进措施"), blank=True)
    results_use = models.TextField(_("绩效自评结果拟应用和公开情况"), blank=True)
    no_spending_note = models.TextField(
        _("无支出的预算类型说明"),
        blank=True,
        help_text=_("例如：本单位无政府性基金预算、国有资本经营预算和社会保险基金预算支出。"),
    )
    signature_date = models.DateField(_("落款日期"), null=True, blank=True)
    amount_unit = models.CharField(
        _("金额录入单位"), max_length=10, choices=AmountUnit.choices, default=AmountUnit.YUAN
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = content_history(excluded_fields=["status", "created_at", "updated_at"])

    class Meta:
        verbose_name = _("绩效自评")
        verbose_name_plural = _("绩效自评")
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_evaluation_per_unit_and_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="evaluation_year_sane"),
        ]
        indexes = [
            # The bureau's start page: the range of years (its first and last entries) and a year's reports by
            # state, without reading every unit's every year (reports.unit_states).
            models.Index(fields=["year", "status"], name="evaluation_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.year}年度部门整体支出绩效自评"

    @property
    def title(self) -> str:
        return f"{self.unit.name}{self.year}年度部门整体支出绩效自评报告"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class Duty(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="duties")
    order = models.PositiveIntegerField(_("序号"), default=0)
    text = models.TextField(_("职能"))

    history = content_history()

    class Meta:
        verbose_name = _("主要职能")
        verbose_name_plural = _("主要职能")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Office(models.Model):
    """One office of the unit, in a group: 内设机构, 下属事业单位, 二级机构 or a group the unit names. The report
    counts the offices of each group; nobody types a count."""

    DEFAULT_GROUP = "内设机构"
    # Offered as suggestions in the editor; any other wording is allowed.
    SUGGESTED_GROUPS = ("内设机构", "下属事业单位", "二级机构")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="offices")
    order = models.PositiveIntegerField(_("序号"), default=0)
    group = models.CharField(
        _("分组"), max_length=40, default=DEFAULT_GROUP, help_text=_("例如：内设机构、下属事业单位、二级机构")
    )
    name = models.CharField(_("内设机构"), max_length=60)

    history = content_history()

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("机构设置")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="office_name_unique_per_evaluation"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffingLine(models.Model):
    """Establishment (编制数) and actual headcount (实有数) for one establishment type, at 31 December."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="staffing_lines")
    order = models.PositiveIntegerField(_("序号"), default=0)
    establishment_type = models.CharField(_("编制类型"), max_length=40, help_text=_("例如：行政编制"))
    approved = models.PositiveIntegerField(_("编制数"), null=True, blank=True)
    actual = models.PositiveIntegerField(_("实有人数"), null=True, blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("人员编制")
        verbose_name_plural = _("人员编制")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "establishment_type"], name="staffing_type_unique_per_evaluation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_type} {self.actual}"


class Section(models.TextChoices):
    """The editor's sections, in the report's order. Every place that names a section names one of these."""

    PROFILE = "profile", _("单位基本情况")
    TOTALS = "totals", _("支出总体情况和其他预算")
    BASIC = "basic", _("基本支出")
    PROJECT = "project", _("项目支出")
    EXECUTION = "execution", _("预算执行")
    ACHIEVEMENTS = "achievements", _("工作成效和绩效指标")
    SCORING = "scoring", _("自评评分")
    NARRATIVE = "narrative", _("问题、措施、应用和公开")
    TEXTS = "texts", _("报告文字")


class SectionRevision(models.Model):
    """The last save of one editor section, so that a save from a stale page can be refused instead of silently
    overwriting someone else's work."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="section_revisions")
    section = models.CharField(_("栏目"), max_length=30, choices=Section.choices)
    revision = models.PositiveIntegerField(_("版本号"), default=0)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("保存人")
    )
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("栏目版本")
        verbose_name_plural = _("栏目版本")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "section"], name="one_revision_row_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.section}@{self.revision}"


class StatusChange(models.Model):
    """One workflow transition: who moved the evaluation from which state to which, when, and why."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("绩效自评")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Evaluation.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Evaluation.Status.choices)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Submission(models.Model):
    """What an evaluation said when it was submitted: every figure and text as plain data, so that the head can see
    what changed between one submission and the next. Written by the submit transition only."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("绩效自评")
    )
    number = models.PositiveIntegerField(_("第几次提交"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    content = models.JSONField(_("提交时的内容"))

    class Meta:
        verbose_name = _("提交记录")
        verbose_name_plural = _("提交记录")
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="one_submission_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}#{self.number}"


class PublicationQuerySet(models.QuerySet):
    def current(self) -> PublicationQuerySet:
        """Only the newest version of each evaluation: the ones a correction has not superseded."""
        return self.filter(is_current=True)


class Publication(models.Model):
    """One published version of an evaluation: the PDF exactly as rendered once (its bytes in the publications
    storage under a content-addressed name, with their SHA-256) and the report body as it read at that moment.

    A row is never changed after it is written: a correction is a new row with the next version number, and the old
    one stays readable, marked as corrected."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="publications", verbose_name=_("绩效自评")
    )
    version = models.PositiveIntegerField(_("版本"))
    published_at = models.DateTimeField(_("公开时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("公开人")
    )
    # Copied so that the public record still reads as published even if the unit is renamed later.
    unit_name = models.CharField(_("单位全称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    body_html = models.TextField(_("报告正文快照"))
    pdf_name = models.CharField(_("PDF 存储名"), max_length=200)
    pdf_filename = models.CharField(_("PDF 下载文件名"), max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64)
    pdf_size = models.PositiveIntegerField(_("PDF 字节数"))
    # The score as published, and the scheme it was computed with, frozen: a later edit of the scheme (or of the
    # unit's data, after a reopening) never changes a published score. ``scheme_data`` is
    # evaluations.scoring.SchemeSpec.to_data() at that moment; the total is stored as shown (half-up to the scheme's
    # grade precision, two decimals), the figure the grade is read from and the portal ranks by.
    scheme = models.ForeignKey(
        "ScoringScheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("评分方案"),
    )
    scheme_name = models.CharField(_("评分方案名称"), max_length=80, blank=True)
    scheme_version = models.PositiveIntegerField(_("评分方案版本"), null=True, blank=True)
    scheme_data = models.JSONField(_("评分方案内容"), default=dict, blank=True)
    score_total = models.DecimalField(_("自评总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("自评等级"), max_length=4, blank=True)
    # The headline figures as published (reports.key_figures.compute_key_figures at that moment), so the portal's
    # list, its key-figures header and the open data read one row. NULL where the report did not know the figure.
    total_spending = MoneyField(_("实际支出合计（元）"), null=True, blank=True)
    basic_spending = MoneyField(_("基本支出（元）"), null=True, blank=True)
    project_spending = MoneyField(_("项目支出（元）"), null=True, blank=True)
    budget = MoneyField(_("全年预算数（元）"), null=True, blank=True)
    executed = MoneyField(_("全年执行数（元）"), null=True, blank=True)
    execution_rate = models.DecimalField(_("预算执行率"), max_digits=12, decimal_places=8, null=True, blank=True)
    # Government publication metadata, as portals show it (政府信息公开): fixed when the version is published.
    index_number = models.CharField(_("索引号"), max_length=80, blank=True)
    publisher = models.CharField(_("发布机构"), max_length=100, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    topic = models.CharField(_("主题分类"), max_length=60, blank=True)
    # The open-data document of this version (reports.open_data), frozen with it: the figures a reader downloads are
    # the figures that were published, whatever happens to the evaluation afterwards.
    data = models.JSONField(_("公开数据"), default=dict, blank=True)
    # Whether no correction has superseded this version. The one field written after the row: publishing version
    # n+1 clears it on version n (reports.publication.create_publication, a queryset update in the same
    # transaction). It states a fact about the other rows, not about this record, which never changes; it spares
    # the portal an anti-join on every page (the partial index below).
    is_current = models.BooleanField(_("现行版本"), default=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开版本")
        verbose_name_plural = _("公开版本")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "version"], name="one_publication_per_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="publication_version_from_one"),
        ]
        indexes = [
            models.Index(fields=["year"], name="publication_year"),
            models.Index(fields=["-published_at", "-id"], name="publication_order"),
            models.Index(
                fields=["-published_at", "-id"], name="publication_current_order", condition=Q(is_current=True)
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(title)s（第%(version)s版）") % {"title": self.title, "version": self.version})

    def save(self, *args, **kwargs):
        # Immutability is a rule of the record, not of one screen: no code path may rewrite a published version.
        if self.pk is not None:
            raise ValueError("A publication is never changed after it has been written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A publication is never deleted.")


# ---------------------------------------------------------------------------
# Report outlines (报告提纲): which headings a report has, how they are numbered, and what fills them
# ---------------------------------------------------------------------------


class Numbering(models.TextChoices):
    """How the headings of one level (or the items of a list) are numbered."""

    CHINESE = "chinese", "一、"
    CHINESE_PAREN = "chinese_paren", "（一）"
    ARABIC_DOT = "arabic_dot", "1."
    ARABIC_PAREN = "arabic_paren", "（1）"
    ARABIC_COMMA = "arabic_comma", "1、"
    ARABIC_HALF_PAREN = "arabic_half_paren", "(1)"
    NONE = "none", _("不编号")


class Block(models.TextChoices):
    """The content blocks a section of an outline can be filled with. The report builder has one function each."""

    HEADING_ONLY = "", _("（只有标题，内容在下级标题中）")
    UNIT_INTRO = "unit_intro", _("单位简介和主要职能")
    OFFICES = "offices", _("机构设置")
    STAFFING = "staffing", _("人员编制")
    DUTIES = "duties", _("主要职能职责")
    GOALS = "goals", _("绩效目标设定")
    TOTAL_SPENDING = "total_spending", _("支出总体情况")
    BASIC_SPENDING = "basic_spending", _("基本支出")
    PROJECT_SPENDING = "project_spending", _("项目支出")
    GOVERNMENT_FUND = "government_fund", _("政府性基金预算支出")
    STATE_CAPITAL = "state_capital", _("国有资本经营预算支出")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险基金预算支出")
    NO_SPENDING_NOTE = "no_spending_note", _("无支出的预算类型说明")
    EXECUTION = "execution", _("预算执行情况")
    SCORE = "score", _("自评得分情况")
    ACHIEVEMENTS = "achievements", _("工作成效")
    SELF_EVALUATION_TABLE = "self_evaluation_table", _("部门整体支出绩效自评表")
    PROBLEMS = "problems", _("存在的问题及原因分析")
    MEASURES = "measures", _("下一步改进措施")
    RESULTS_USE = "results_use", _("绩效自评结果拟应用和公开情况")
    FREE_TEXT = "free_text", _("自由撰写的内容")


class ReportOutline(models.Model):
    """A report outline: a tree of headings (:class:`OutlineNode`). The finance bureau chooses one for a region and
    year (:class:`OutlineAssignment`); an administrator may give a unit its own (``Unit.outline``). Changing an
    outline changes no data: it only decides which headings the report has and where the data are printed."""

    name = models.CharField(_("提纲名称"), max_length=60, unique=True)
    description = models.TextField(_("说明"), blank=True)
    builtin = models.CharField(
        _("内置提纲"), max_length=30, blank=True, help_text=_("随系统提供的提纲的代号；自建的提纲留空。")
    )

    class Meta:
        verbose_name = _("报告提纲")
        verbose_name_plural = _("报告提纲")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["builtin"], condition=~Q(builtin=""), name="builtin_outline_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class OutlineNode(models.Model):
    """One heading of an outline. Its number is generated in its numbering style among the siblings that are
    printed; an optional section with nothing to say is left out and the numbers close up."""

    outline = models.ForeignKey(ReportOutline, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("上级标题")
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    key = models.SlugField(_("代号"), max_length=40, help_text=_("在本提纲内唯一，用于单位自撰内容的对应。"))
    title = models.CharField(_("标题"), max_length=80)
    numbering = models.CharField(_("编号样式"), max_length=20, choices=Numbering.choices, default=Numbering.CHINESE)
    block = models.CharField(_("内容"), max_length=30, choices=Block.choices, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    item_numbering = models.CharField(
        _("条目编号样式"),
        max_length=20,
        choices=Numbering.choices,
        default=Numbering.CHINESE_PAREN,
        help_text=_("列表内容（如主要职能）的编号样式。"),
    )
    items_inline = models.BooleanField(_("条目写在同一段"), default=False)

    class Meta:
        verbose_name = _("提纲标题")
        verbose_name_plural = _("提纲标题")
        ordering = ["outline", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outline", "key"], name="outline_node_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class OutlineAssignment(models.Model):
    """The finance bureau's choice of outline for a region (blank: every region) and a year (blank: every year).
    The most specific assignment wins: region and year, then region, then year, then the default."""

    region = models.CharField(_("地区"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    outline = models.ForeignKey(
        ReportOutline, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("报告提纲")
    )

    class Meta:
        verbose_name = _("提纲适用范围")
        verbose_name_plural = _("提纲适用范围")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], condition=Q(year__isnull=False), name="one_outline_per_region_and_year"
            ),
            models.UniqueConstraint(fields=["region"], condition=Q(year__isnull=True), name="one_outline_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region or _('全部地区')} · {self.year or _('全部年度')} · {self.outline}"


class WrittenText(models.Model):
    """Text the unit wrote for one place of its report: the content of a free section of its outline, or its own
    wording in place of a generated paragraph. Kept beside the data, so the figures can still be checked."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="written_texts")
    key = models.CharField(_("位置"), max_length=60)
    text = models.TextField(_("内容"), blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("自撰内容")
        verbose_name_plural = _("自撰内容")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="one_written_text_per_place"),
        ]

    def __str__(self) -> str:
        return self.key


class ScoringScheme(models.Model):
    """A scoring scheme (评分方案) as data: ``data`` holds :meth:`evaluations.scoring.SchemeSpec.to_data`. The finance
    bureau chooses one for a region and year (:class:`SchemeAssignment`); an administrator may give a unit its own
    (``Unit.scoring_scheme``). Shipped schemes (``builtin`` set) are read-only; a bureau edits a copy. Every edit
    counts ``version`` up, so a published score can name the exact scheme it was computed with."""

    name = models.CharField(_("方案名称"), max_length=80, unique=True)
    description = models.TextField(_("说明"), blank=True)
    builtin = models.CharField(
        _("内置方案"), max_length=30, blank=True, help_text=_("随系统提供的评分方案的代号；自建的方案留空。")
    )
    data = models.JSONField(_("方案内容"), default=dict)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分方案")
        verbose_name_plural = _("评分方案")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["builtin"], condition=~Q(builtin=""), name="builtin_scheme_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeAssignment(models.Model):
    """The finance bureau's choice of scoring scheme for a region (blank: every region) and a year (blank: every
    year). The most specific assignment wins: region and year, then region, then year, then the national scheme."""

    region = models.CharField(_("地区"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    scheme = models.ForeignKey(
        ScoringScheme, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("评分方案")
    )

    class Meta:
        verbose_name = _("评分方案适用范围")
        verbose_name_plural = _("评分方案适用范围")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], condition=Q(year__isnull=False), name="one_scheme_per_region_and_year"
            ),
            models.UniqueConstraint(fields=["region"], condition=Q(year__isnull=True), name="one_scheme_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region or _('全部地区')} · {self.year or _('全部年度')} · {self.scheme}"


class LeafAssessment(models.Model):
    """The unit's judgement of one leaf (三级指标) of its scoring scheme that no figure decides: a qualitative leaf
    (预决算信息公开性, 资产管理安全性) gets a tier, a score inside the tier's range and a reason; any leaf may be
    marked 不适用 with a reason, and the scheme rescales the rest. ``key`` is the leaf's key in the scheme
    (:class:`evaluations.scoring.Leaf`), so a judgement follows the leaf, not its position."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="leaf_assessments", verbose_name=_("绩效自评")
    )
    key = models.CharField(_("指标代号"), max_length=60)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    tier = models.CharField(_("评价档次"), max_length=20, blank=True)
    score = models.DecimalField(_("自评得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("评分理由"), blank=True)

    history = content_history()

    class Meta:
        verbose_name = _("评分方案指标自评")
        verbose_name_plural = _("评分方案指标自评")
        ordering = ["evaluation", "key"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="one_assessment_per_leaf"),
            models.CheckConstraint(
                condition=Q(score__gte=0) | Q(score__isnull=True), name="leaf_assessment_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.key


# ---------------------------------------------------------------------------
# Campaigns (绩效自评工作): the bureau's call for one year's self-evaluation, its deadline and its reminders
# ---------------------------------------------------------------------------


class Campaign(models.Model):
    """The finance bureau's self-evaluation work of one year (绩效自评工作): the deadline, the outline and scoring
    scheme its units use that year, and the units it covers (an explicit list, so a unit created later is not
    swept in unnoticed). One per year; the bureau may change it while it is open. Not report content, so it has no
    content history: who opened it and who changed it last, and when, are kept on the row."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    deadline = models.DateField(_("截止日期"))
    outline = models.ForeignKey(
        ReportOutline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("报告提纲"),
        help_text=_("留空则按地区和年度的指定或系统默认提纲。"),
    )
    scheme = models.ForeignKey(
        ScoringScheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("评分方案"),
        help_text=_("留空则按地区和年度的指定或全国通用方案。"),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("提前提醒天数"), default=3, help_text=_("截止日期前多少天提醒尚未提交的单位。")
    )
    requires_department_review = models.BooleanField(
        _("须经主管部门审核"),
        default=False,
        help_text=_("勾选后，有主管部门的单位的报告经单位审核后，须由主管部门审核通过才能公开。"),
    )
    units = models.ManyToManyField(Unit, through="CampaignUnit", related_name="campaigns", verbose_name=_("覆盖单位"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    opened_at = models.DateTimeField(_("发起时间"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最后修改人"),
    )
    changed_at = models.DateTimeField(_("最后修改时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("绩效自评工作")
        verbose_name_plural = _("绩效自评工作")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="campaign_year_sane"),
        ]

    def __str__(self) -> str:
        return str(_("%(year)s年度绩效自评工作") % {"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CampaignUnit(models.Model):
    """One unit a campaign covers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coverage")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("覆盖单位")
        verbose_name_plural = _("覆盖单位")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_covers_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.unit_id}"


class Reminder(models.Model):
    """One reminder e-mail of a campaign to one unit at one step. The unique constraint is what makes the reminder
    command idempotent, also when two runs overlap: the row is written in the same transaction as the decision to
    send, and a second writer fails on it instead of sending again."""

    class Step(models.TextChoices):
        BEFORE = "before", _("截止前提醒")
        OVERDUE = "overdue", _("逾期提醒")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("预算单位"))
    step = models.CharField(_("提醒类型"), max_length=20, choices=Step.choices)
    sent_at = models.DateTimeField(_("发送时间"))
    recipients = models.TextField(_("收件人"), help_text=_("发送时的收件地址，每行一个。"))

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["campaign", "unit", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "step"], name="one_reminder_per_unit_and_step"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.unit_id}:{self.step}"
