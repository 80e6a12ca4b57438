"""Suite-wide test settings."""

from django.conf import settings


def pytest_configure(config):
    # Hashing the personas' passwords with PBKDF2 costs seconds per test class on these 2-core machines;
    # what we test is who may do what, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
