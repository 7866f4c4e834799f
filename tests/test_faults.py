"""kill -9 in the middle of long writes leaves the database as before or complete, never half.

Each case runs the real `lindung` command in a subprocess against its own database (a SQLite
file, or a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL), kills it with
SIGKILL at several moments, and counts what is left.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from lindung.core.testing import VILLAGE_A, VILLAGE_B
from lindung.workers.nik import compose_nik

ROWS = 6000


@pytest.fixture(scope="module")
def fault_db(tmp_path_factory):
    """DATABASE_URL of a database of its own, set up with migrations and Lombok Timur."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        name = f"lindung_fault_{uuid.uuid4().hex[:8]}"
        admin = base.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = base.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('faults') / 'fault.sqlite3'}"
    _lindung(url, "setup")
    yield url
    if base.startswith("postgres"):
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=url, DEBUG="1", DJANGO_SETTINGS_MODULE="lindung.settings")
    return env


def _lindung(url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "lindung.cli", *args],
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _count(url: str, table: str) -> int:
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute('SELECT COUNT(*) FROM {table}')\n"
        "    print(c.fetchone()[0])\n"
    )
    return int(_lindung(url, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def _worker_csv(path: Path) -> Path:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["NIK", "Nama", "L/P", "Tgl Lahir", "Desa", "Kecamatan", "Pekerjaan"])
        for i in range(ROWS):
            village = VILLAGE_A if i % 2 else VILLAGE_B
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
            sex = "P" if i % 3 == 0 else "L"
            nik = compose_nik(village[:8], born, sex, i % 9999 + 1)
            name = "Lalu" if sex == "L" else "Baiq"
            out.writerow(
                [
                    f"'{nik}",
                    f"{name} Uji {i}",
                    sex,
                    born.strftime("%d-%m-%Y"),
                    "Danggen Timur" if village == VILLAGE_A else "Tanjung Luar",
                    "Selong" if village == VILLAGE_A else "Keruak",
                    "Buruh tani",
                ]
            )
    return path


def _kill_after(url: str, delay: float, *args: str) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lindung.cli", *args],
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=60)


def test_import_killed_at_any_moment_is_all_or_nothing(fault_db, tmp_path):
    source = _worker_csv(tmp_path / "desa.csv")
    assert _count(fault_db, "workers_worker") == 0
    seen = set()
    for delay in (0.8, 1.6, 2.4, 3.2, 4.5):
        _kill_after(fault_db, delay, "import_workers", str(source), "--commit")
        count = _count(fault_db, "workers_worker")
        assert count in (0, ROWS), f"half-written import after {delay}s: {count} rows"
        seen.add(count)
        if count == ROWS:
            break
    assert 0 in seen  # at least one kill landed while the import was still running
    # And a run that is not killed completes; re-running changes nothing.
    _lindung(fault_db, "import_workers", str(source), "--commit", "--json")
    assert _count(fault_db, "workers_worker") == ROWS
    _lindung(fault_db, "import_workers", str(source), "--commit", "--json")
    assert _count(fault_db, "workers_worker") == ROWS
