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
    env.update(DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "lindung.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr
