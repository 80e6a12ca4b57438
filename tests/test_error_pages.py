"""When something goes wrong, in production (DEBUG off) as in development: a citizen who follows a dead link, 王芳
who opens a page that is not hers, a form left open until its token expired, and a server error all get a Chinese
page that says what happened and how to get back, never Django's bare English "Not Found"."""

from __future__ import annotations

from django.conf import settings
from django.test import Client, override_settings
from django.urls import path, reverse

from config import urls as project_urls
from tests.base import PASSWORD, BaseTestCase


def _boom(request):
    raise RuntimeError("a bug, for the 500 page")


# The project's URLs and one that fails, so that the real handlers render the real templates.
urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
class ErrorPageTests(BaseTestCase):
    def assertWayBack(self, response, *, to_app: bool) -> None:
        self.assertContains(response, f'href="{reverse("portal")}"', status_code=response.status_code)
        self.assertContains(response, "返回公开报告首页", status_code=response.status_code)
        if to_app:
            self.assertContains(response, f'href="{reverse("home")}"', status_code=response.status_code)
        else:
            self.assertNotContains(response, f'href="{reverse("home")}"', status_code=response.status_code)

    def test_a_citizen_following_a_dead_link_gets_a_chinese_404_with_a_way_home(self):
        response = self.client.get("/reports/999999/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "页面不存在", status_code=404)
        self.assertNotContains(response, "Not Found", status_code=404)
        self.assertWayBack(response, to_app=False)

    def test_wangfang_signed_in_also_gets_a_way_back_to_her_work(self):
        self.client.force_login(self.wangfang)
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertWayBack(response, to_app=True)

    def test_wangfang_opening_the_bureaus_campaigns_gets_a_chinese_403(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("campaign_list"))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "没有访问权限", status_code=403)
        self.assertWayBack(response, to_app=True)

    def test_a_server_error_gets_a_plain_chinese_500_page_without_queries(self):
        client = Client(raise_request_exception=False)
        with self.assertNumQueries(0):
            response = client.get("/boom/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "服务器出错", status_code=500)
        self.assertContains(response, 'href="/"', status_code=500)
        self.assertContains(response, "/static/css/app.css", status_code=500)

    def test_the_500_page_is_in_english_for_an_english_reader(self):
        client = Client(raise_request_exception=False)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get("/boom/")
        self.assertContains(response, "Server error", status_code=500)

    def test_a_login_form_posted_without_its_token_gets_the_chinese_expired_page(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("login"), {"username": "wangfang", "password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "页面已过期，请返回上一页刷新后重试。", status_code=403)
        self.assertNotContains(response, "CSRF", status_code=403)
        self.assertWayBack(response, to_app=False)

    def test_the_expired_page_is_in_english_for_an_english_reader(self):
        client = Client(enforce_csrf_checks=True)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(reverse("login"), {"username": "wangfang", "password": PASSWORD})
        self.assertContains(response, "The page has expired", status_code=403)


@override_settings(DEBUG=False)
class FaviconAndDescriptionTests(BaseTestCase):
    def test_pages_link_the_favicon_and_the_browsers_own_request_is_redirected_to_it(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, '<link rel="icon" href="/static/favicon.svg"')
        self.assertRedirects(
            self.client.get("/favicon.ico"), "/static/favicon.svg", status_code=301, fetch_redirect_response=False
        )

    def test_every_page_has_a_meta_description_and_the_portal_its_own(self):
        login = self.client.get(reverse("login"))
        self.assertContains(login, '<meta name="description" content="部门整体支出绩效自评报告的编制、审核与公开')
        portal = self.client.get(reverse("portal"))
        self.assertContains(portal, '<meta name="description" content="各预算单位已公开的部门整体支出绩效自评报告')
