"""The tree of units (主管部门 and 下属单位): no unit under itself, and the units under a department read in one
query whatever the depth."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluations.departments import CYCLE, OWN_DEPARTMENT, set_department, units_under
from evaluations.models import Unit
from tests.base import BaseTestCase


def chain(top: Unit, depth: int, prefix: str) -> list[Unit]:
    """``depth`` units, each under the one before, the first under ``top``."""
    units, parent = [], top
    for level in range(depth):
        parent = Unit.objects.create(name=f"{prefix}第{level + 1}级单位", parent=parent)
        units.append(parent)
    return units


class DepartmentTreeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.department = Unit.objects.create(name="株洲市渌口区经济发展局")

    def test_a_unit_is_put_under_its_department_and_taken_out_again(self):
        set_department(unit=self.unit_a, department=self.department)
        self.assertEqual(list(self.department.children.all()), [self.unit_a])
        set_department(unit=self.unit_a, department=None)
        self.unit_a.refresh_from_db()
        self.assertIsNone(self.unit_a.parent)

    def test_a_unit_cannot_be_its_own_department(self):
        with self.assertRaisesMessage(ValidationError, str(OWN_DEPARTMENT)):
            set_department(unit=self.unit_a, department=self.unit_a)
        self.unit_a.refresh_from_db()
        self.assertIsNone(self.unit_a.parent_id)

    def test_a_department_cannot_be_put_under_one_of_its_own_units(self):
        set_department(unit=self.unit_a, department=self.department)
        grandchild = Unit.objects.create(name="渌口区工业园区服务中心", parent=self.unit_a)
        with self.assertRaisesMessage(ValidationError, str(CYCLE % {"parent": grandchild.name})):
            set_department(unit=self.department, department=grandchild)
        self.department.refresh_from_db()
        self.assertIsNone(self.department.parent_id)

    def test_clean_refuses_the_cycle_too_for_the_admin(self):
        set_department(unit=self.unit_a, department=self.department)
        self.department.parent = self.unit_a
        with self.assertRaises(ValidationError) as raised:
            self.department.full_clean()
        self.assertIn("parent", raised.exception.message_dict)
        self.unit_b.parent = self.department
        self.unit_b.full_clean()  # a plain department is fine

    def test_the_units_under_a_department_are_every_descendant_and_nothing_else(self):
        set_department(unit=self.unit_a, department=self.department)
        below = chain(self.unit_a, 3, "甲")
        other = Unit.objects.create(name="另一部门")
        chain(other, 2, "乙")
        self.assertEqual(set(units_under(self.department)), {self.unit_a, *below})
        self.assertEqual(set(units_under(below[0])), set(below[1:]))
        self.assertEqual(list(units_under(below[-1])), [])

    def test_reading_the_units_under_a_department_is_one_query_whatever_the_depth(self):
        shallow = Unit.objects.create(name="浅层部门")
        chain(shallow, 2, "浅")
        deep = Unit.objects.create(name="深层部门")
        chain(deep, 12, "深")
        # Query: the units whose id is in the recursive subquery.
        with self.assertNumQueries(1):
            self.assertEqual(len(list(units_under(shallow))), 2)
        with self.assertNumQueries(1):
            self.assertEqual(len(list(units_under(deep))), 12)

    def test_a_cycle_written_past_the_rule_does_not_make_the_query_run_forever(self):
        child = Unit.objects.create(name="下属单位", parent=self.department)
        Unit.objects.filter(pk=self.department.pk).update(parent=child)  # bypassing the service on purpose
        self.assertEqual(set(units_under(self.department)), {child, self.department})


class DepartmentAdminTests(BaseTestCase):
    def unit_form(self, unit: Unit, parent: Unit | None) -> dict:
        return {
            "name": unit.name,
            "short_name": unit.short_name,
            "self_reference": unit.self_reference,
            "level": unit.level,
            "region": unit.region,
            "code": unit.code,
            "parent": parent.pk if parent else "",
            "outline": "",
            "scoring_scheme": "",
        }

    def test_the_administrator_sets_a_department_and_is_refused_a_cycle(self):
        department = Unit.objects.create(name="株洲市渌口区经济发展局")
        self.client.force_login(self.admin)
        url = reverse("admin:evaluations_unit_change", args=[self.unit_a.pk])
        response = self.client.post(url, self.unit_form(self.unit_a, department))
        self.assertEqual(response.status_code, 302)
        self.unit_a.refresh_from_db()
        self.assertEqual(self.unit_a.parent, department)
        response = self.client.post(
            reverse("admin:evaluations_unit_change", args=[department.pk]), self.unit_form(department, self.unit_a)
        )
        self.assertContains(response, str(CYCLE % {"parent": self.unit_a.name}))
        department.refresh_from_db()
        self.assertIsNone(department.parent_id)
