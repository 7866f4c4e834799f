import os
import subprocess
import sys


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        SECRET_KEY="k" * 20 + "-production-secret-" + "x9Yq" * 10,
        DEBUG="0",
        ALLOWED_HOSTS="lindung.lomboktimurkab.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        DJANGO_SETTINGS_MODULE="lindung.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "lindung.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(
        DEBUG="0",
        DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
        DJANGO_SETTINGS_MODULE="lindung.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "lindung.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr


def test_production_settings_do_not_change_when_pytest_is_loaded(tmp_path):
    """Only lindung.settings_test differs for tests: settings.py itself does not look for pytest."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_DIR", "REDIS_URL"}}
    env.update(
        SECRET_KEY="k" * 50,
        DEBUG="0",
        DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
        LINDUNG_HOME=str(tmp_path),
    )
    code = (
        "import pytest, lindung.settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.filebased.FileBasedCache",
        "True",
        "True",
    ]
