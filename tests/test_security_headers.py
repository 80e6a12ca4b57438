"""What every response tells the browser: a Content-Security-Policy without inline code, no caching of staff pages,
HTTPS in production, and a session that ends when its person has been away too long."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.sessions.models import Session
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from config.middleware import IdleSessionMiddleware
from tests.base import SeedTestCase

ROOT = Path(__file__).resolve().parents[1]


class ContentSecurityPolicyTests(SeedTestCase):
    def test_every_page_forbids_inline_code_and_foreign_sources(self):
        for url in [reverse("portal"), reverse("login")]:
            with self.subTest(url=url):
                policy = self.client.get(url)["Content-Security-Policy"]
                directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
                self.assertEqual(directives["default-src"], "'self'")
                self.assertEqual(directives["script-src"], "'self'")
                self.assertEqual(directives["style-src"], "'self'")
                self.assertEqual(directives["img-src"], "'self' data:")
                self.assertEqual(directives["object-src"], "'self'")
                self.assertEqual(directives["frame-ancestors"], "'none'")
                self.assertEqual(directives["form-action"], "'self'")
                self.assertEqual(directives["base-uri"], "'self'")
                self.assertNotIn("unsafe-inline", policy)


class StaffPagesAreNotCachedTests(SeedTestCase):
    def test_wangfangs_pages_are_private_and_not_stored(self):
        self.client.force_login(self.wangfang)
        for url in [reverse("home"), reverse("evaluation_report", args=[self.evaluation.pk])]:
            with self.subTest(url=url):
                cache_control = self.client.get(url)["Cache-Control"]
                self.assertIn("private", cache_control)
                self.assertIn("no-store", cache_control)

    def test_the_admin_and_the_sign_in_page_are_not_stored(self):
        self.assertIn("no-store", self.client.get(reverse("login"))["Cache-Control"])
        self.client.force_login(self.admin)
        self.assertIn("no-store", self.client.get(reverse("admin:index"))["Cache-Control"])

    def test_the_public_portal_keeps_its_caching_for_anonymous_readers(self):
        response = self.client.get(reverse("portal"))
        self.assertNotIn("no-store", response.get("Cache-Control", ""))

    def test_a_signed_in_reader_of_the_portal_gets_no_store(self):
        self.client.force_login(self.wangfang)
        self.assertIn("no-store", self.client.get(reverse("portal"))["Cache-Control"])


class IdleSessionTests(SeedTestCase):
    def session(self) -> Session:
        return Session.objects.get(session_key=self.client.session.session_key)

    def test_a_request_after_some_minutes_moves_the_expiry_on(self):
        self.client.force_login(self.wangfang)
        session = self.client.session
        session[IdleSessionMiddleware.KEY] = int(time.time()) - IdleSessionMiddleware.REFRESH_SECONDS - 1
        session.save()
        Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + timedelta(hours=1))
        self.client.get(reverse("home"))
        self.assertGreater(self.session().expire_date, timezone.now() + timedelta(minutes=119))

    def test_requests_in_quick_succession_do_not_write_the_session(self):
        self.client.force_login(self.wangfang)
        self.client.get(reverse("home"))
        expire_before = self.session().expire_date
        self.client.get(reverse("home"))
        self.assertEqual(self.session().expire_date, expire_before)

    def test_after_two_idle_hours_the_session_is_over(self):
        self.client.force_login(self.wangfang)
        Session.objects.filter(session_key=self.client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, f"{reverse('login')}?next={reverse('home')}", fetch_redirect_response=False)


class DeployCheckTests(SimpleTestCase):
    def test_production_settings_pass_the_deploy_check(self):
        # DEBUG off, a long random key, a host: the settings as a deployment sets them; HTTPS, HSTS, secure cookies
        # and the rest follow from DEBUG being off.
        env = {
            key: value
            for key, value in os.environ.items()
            # The test run's own relaxations (pyproject.toml's env) are not a deployment's.
            if key
            not in {"DEBUG", "DATABASE_URL", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        env.update(SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="jxpj.example.gov.cn")
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("System check identified no issues", result.stdout)
