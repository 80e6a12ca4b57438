"""Suite-wide test settings."""

import pytest
from django.conf import settings
from django.utils import translation


def pytest_configure(config):
    # Hashing the personas' passwords with PBKDF2 costs seconds per test class on these 2-core machines;
    # what we test is who may do what, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language. A request with the English cookie activates English in the test's
    thread (the middleware does, as in production), and nothing resets it before the next test on the same worker:
    a test comparing Chinese messages would then fail or pass depending on which tests ran before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test (local memory, per process): a PDF preview cached by one test, or its preview
    counter, must not reach the next one."""
    from django.core.cache import cache

    cache.clear()
    yield
