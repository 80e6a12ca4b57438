"""Someone guesses passwords: after five failures the account is locked, and so is the address they came from, for a
quarter of an hour; the page says so in Chinese and when to try again. The administrator can lift the lock."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.http import HttpRequest
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from config.lockout import client_address
from tests.base import PASSWORD, BaseTestCase

LOCKED = "登录失败次数过多"


@override_settings(AXES_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=timedelta(minutes=15))
class SignInThrottlingTests(BaseTestCase):
    def sign_in(self, username: str, password: str, address: str = "10.0.0.1", url: str | None = None):
        return self.client.post(
            url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def fail(self, times: int, username: str = "wangfang", address: str = "10.0.0.1") -> None:
        """``times`` wrong passwords; the fifth one is answered with the lock."""
        for attempt in range(1, times + 1):
            response = self.sign_in(username, "wrong-password", address)
            self.assertEqual(response.status_code, 429 if attempt >= 5 else 200)

    def test_it_locks_wangfangs_account_after_five_failures_even_with_the_right_password(self):
        self.fail(5)
        response = self.sign_in("wangfang", PASSWORD, "10.0.0.99")
        self.assertEqual(response.status_code, 429)
        retry_at = timezone.localtime(timezone.now() + timedelta(minutes=15)).strftime("%H:%M")
        self.assertContains(response, LOCKED, status_code=429)
        self.assertContains(response, retry_at, status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_four_failures_and_the_right_password_sign_her_in_and_start_the_count_again(self):
        self.fail(4)
        response = self.sign_in("wangfang", PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertFalse(AccessAttempt.objects.filter(username="wangfang").exists())

    def test_it_locks_an_address_that_tries_many_accounts(self):
        for username in ["wangfang", "zhaomin", "chenjing", "nobody"]:
            self.fail(1, username=username, address="10.0.0.7")
        response = self.sign_in("someone", "wrong-password", "10.0.0.7")
        self.assertContains(response, LOCKED, status_code=429)
        response = self.sign_in("liqiang", PASSWORD, "10.0.0.7")
        self.assertContains(response, LOCKED, status_code=429)
        # 李强 from his own desk is not locked: only the guessing address is.
        response = self.sign_in("liqiang", PASSWORD, "10.0.0.8")
        self.assertEqual(response.status_code, 302)

    def test_the_admins_sign_in_page_is_covered_too(self):
        admin_login = reverse("admin:login")
        for _ in range(5):
            self.sign_in("admin", "wrong-password", url=admin_login)
        response = self.sign_in("admin", PASSWORD, "10.0.0.2", url=admin_login)
        self.assertContains(response, LOCKED, status_code=429)

    def test_the_lock_ends_after_the_cool_off(self):
        self.fail(5)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        response = self.sign_in("wangfang", PASSWORD, "10.0.0.99")
        self.assertEqual(response.status_code, 302)

    def test_the_administrator_lifts_the_lock_with_a_command(self):
        self.fail(5)
        call_command("axes_reset_username", "wangfang", stdout=StringIO())
        response = self.sign_in("wangfang", PASSWORD, "10.0.0.99")
        self.assertEqual(response.status_code, 302)

    def test_attempts_are_kept_for_the_audit_and_shown_in_the_admin(self):
        self.fail(2)
        self.sign_in("wangfang", PASSWORD)
        self.assertEqual(AccessFailureLog.objects.filter(username="wangfang", ip_address="10.0.0.1").count(), 2)
        self.assertEqual(AccessLog.objects.filter(username="wangfang").count(), 1)
        self.client.force_login(self.admin)
        for model in ["accessattempt", "accesslog", "accessfailurelog"]:
            with self.subTest(model=model):
                self.assertEqual(self.client.get(reverse(f"admin:axes_{model}_changelist")).status_code, 200)


class ClientAddressTests(SimpleTestCase):
    def request(self, forwarded: str | None) -> HttpRequest:
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "10.0.0.254"  # the proxy
        if forwarded is not None:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return request

    def test_without_a_proxy_the_address_is_the_connections(self):
        self.assertEqual(client_address(self.request("1.2.3.4")), "10.0.0.254")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_client_is_what_the_proxy_appended(self):
        # Whatever the guesser writes in front is ignored: only the proxy's own entry counts.
        self.assertEqual(client_address(self.request("6.6.6.6, 203.0.113.9")), "203.0.113.9")
        self.assertEqual(client_address(self.request(None)), "10.0.0.254")
