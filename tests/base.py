"""The people in our test stories.

Unit A is the seed unit (株洲市渌口区科技和工业信息化局): 王芳 prepares its reports and 李强 heads it. Unit B
(株洲市渌口区农业农村局) has its own preparer, 赵敏, who must see nothing of unit A's drafts. 陈静 works at the
finance bureau and oversees every unit. The administrator runs the system.

With departments (:class:`DepartmentSeedTestCase`): unit A belongs to the 主管部门 株洲市渌口区经济发展局, which 周伟
heads; unit B belongs to another department, headed by 孙丽, who must see nothing of unit A.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import TestCase

from evaluations.departments import set_department
from evaluations.models import Evaluation, Membership, Unit
from reports.management.commands.loaddemo import add_scoring_data, assign_demo_scheme, build_seed_evaluation

PASSWORD = "correct horse battery staple"


def make_user(username: str, display_name: str, unit: Unit | None = None, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=display_name, email=f"{username}@example.invalid", **extra
    )
    if role is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.unit_a = Unit.objects.create(
            name="株洲市渌口区科技和工业信息化局",
            short_name="区科工信局",
            self_reference="我局",
            level="正科级行政单位",
            region="湖南省株洲市渌口区",
            code="LK-KGXJ",
        )
        cls.unit_b = Unit.objects.create(
            name="株洲市渌口区农业农村局", short_name="区农业农村局", level="正科级行政单位", code="LK-NYNCJ"
        )
        cls.wangfang = make_user("wangfang", "王芳", cls.unit_a, Membership.Role.PREPARER)
        cls.liqiang = make_user("liqiang", "李强", cls.unit_a, Membership.Role.HEAD)
        cls.zhaomin = make_user("zhaomin", "赵敏", cls.unit_b, Membership.Role.PREPARER)
        cls.chenjing = make_user("chenjing", "陈静", None, Membership.Role.BUREAU)
        cls.admin = make_user("admin", "系统管理员", is_staff=True, is_superuser=True)


def make_scoreable(evaluation: Evaluation) -> Evaluation:
    """Give the seed's evaluation what its score needs, as the demo does (the Hunan scheme chosen for its region and
    year, the budget and common figures, the qualitative judgements, the indicators' 分值), so that it can be
    submitted, approved and published: the score is part of what a report must have."""
    assign_demo_scheme(evaluation.unit)
    return add_scoring_data(evaluation)


class SeedTestCase(BaseTestCase):
    """Unit A with the seed's complete 2024 evaluation, as a draft. The seed prints no score: a test class that takes
    it through the workflow sets ``scoreable`` (see :func:`make_scoreable`)."""

    scoreable = False

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = build_seed_evaluation(cls.unit_a)
        if cls.scoreable:
            make_scoreable(cls.evaluation)

    def set_status(self, status: str) -> Evaluation:
        # Tests that need a report in a later state put it there directly; the workflow itself has its own tests.
        Evaluation.objects.filter(pk=self.evaluation.pk).update(status=status)
        self.evaluation.refresh_from_db()
        return self.evaluation


def add_departments(cls) -> None:
    """Give a test class's units their departments and the departments their heads (周伟, 孙丽)."""
    cls.department = Unit.objects.create(name="株洲市渌口区经济发展局", short_name="区经发局")
    cls.other_department = Unit.objects.create(name="株洲市渌口区农业农村工作委员会", short_name="区农委")
    set_department(unit=cls.unit_a, department=cls.department)
    set_department(unit=cls.unit_b, department=cls.other_department)
    cls.zhouwei = make_user("zhouwei", "周伟", cls.department, Membership.Role.HEAD)
    cls.sunli = make_user("sunli", "孙丽", cls.other_department, Membership.Role.HEAD)
    cls.unit_a.refresh_from_db()
    cls.unit_b.refresh_from_db()


class DepartmentSeedTestCase(SeedTestCase):
    """The seed with departments: 周伟 heads unit A's department, 孙丽 heads unit B's."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_departments(cls)
        cls.evaluation.refresh_from_db()
