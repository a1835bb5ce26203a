import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hash test passwords with MD5: PBKDF2 costs a quarter of a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
