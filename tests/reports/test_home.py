"""Each person's start page lists only what they may see."""

from django.urls import reverse

from evaluations.models import Evaluation
from tests.base import SeedTestCase


class HomeTests(SeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other = Evaluation.objects.create(unit=cls.unit_b, year=2024)

    def test_wangfang_sees_her_units_evaluation(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "株洲市渌口区科技和工业信息化局")
        self.assertNotContains(response, "株洲市渌口区农业农村局")

    def test_zhaomin_cannot_open_unit_as_draft(self):
        self.client.force_login(self.zhaomin)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertEqual(response.status_code, 404)

    def test_the_bureau_does_not_see_drafts(self):
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertEqual(response.status_code, 404)
        self.set_status("submitted")
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "1705.74")

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, f"{reverse('login')}?next={reverse('home')}")
