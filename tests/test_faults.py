"""kill -9 in the middle of long writes leaves the database as before or complete, never half.

Each case runs the real `lindung` command in a subprocess against its own database (a SQLite
file, or a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL), kills it with
SIGKILL at several moments, and counts what is left.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from lindung.core.testing import VILLAGE_A, VILLAGE_B
from lindung.workers.nik import compose_nik

ROWS = 6000


@contextmanager
def _own_database(tmp_path_factory, label: str):
    """DATABASE_URL of a database of its own, set up with migrations and Lombok Timur."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        name = f"lindung_{label}_{uuid.uuid4().hex[:8]}"
        admin = base.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = base.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp(label) / 'fault.sqlite3'}"
    _lindung(url, "setup")
    try:
        yield url
    finally:
        if base.startswith("postgres"):
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def fault_db(tmp_path_factory):
    with _own_database(tmp_path_factory, "fault") as url:
        yield url


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A database for the demo and report cases (the import case wants an empty registry)."""
    with _own_database(tmp_path_factory, "fault_demo") as url:
        yield url


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


# --- Demo load and report generation ------------------------------------------------------

DEMO_WORKERS = 8000

# Every table's row count, plus fingerprints of the rows a coverage refresh rewrites in place
# (it deletes and reinserts, so counts alone could match a half-done refresh).
STATE = """
import json
from django.db import connection
out = {}
with connection.cursor() as c:
    for table in sorted(connection.introspection.table_names()):
        c.execute(f'SELECT COUNT(*) FROM "{table}"')
        out[table] = c.fetchone()[0]
    c.execute("SELECT COALESCE(SUM(active), 0), COALESCE(SUM(new_members), 0), "
              "COUNT(DISTINCT ref_day), MAX(ref_day) FROM coverage_coveragesnapshot")
    out["snapshot_sums"] = [str(v) for v in c.fetchone()]
    c.execute("SELECT COALESCE(SUM(count), 0) FROM coverage_coveragestatuscount")
    out["status_sum"] = str(c.fetchone()[0])
print(json.dumps(out))
"""


def _settled(url: str, timeout: float = 120) -> None:
    """Wait until no other session works on the database. A killed client's PostgreSQL backend
    may still be running its last statement or a COMMIT already sent (checking deferred foreign
    keys of thousands of rows takes seconds); reading before it ends would see a state that is
    about to change."""
    if not url.startswith("postgres"):
        return  # SQLite: the killed process was the only writer, and it is gone
    import psycopg

    name = url.rsplit("/", 1)[1]
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute(
                "SELECT COUNT(*) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            ).fetchone()[0]
            if not busy:
                return
            time.sleep(0.2)
    raise AssertionError(f"{name}: another session still works on it after {timeout} s")


def _state(url: str) -> dict:
    _settled(url)
    out = _lindung(url, "shell", "--no-imports", "-c", STATE)
    return json.loads(out.strip().splitlines()[-1])


def _changed(before: dict, after: dict) -> dict:
    return {
        k: (before.get(k), after.get(k))
        for k in before.keys() | after.keys()
        if before.get(k) != after.get(k)
    }


def _kill_when(url: str, marker: str, *args: str, after: float = 0.0) -> bool:
    """Run the command and SIGKILL it `after` seconds once `marker` shows on its output
    (stdout and stderr, unbuffered). Returns whether the marker was seen before it ended."""
    env = _env(url)
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lindung.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seen, text = False, b""
    while True:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        text += chunk
        if marker.encode() in text:
            seen = True
            time.sleep(after)
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdout.close()
    return seen


def _kill_moments(seed: int, first: float, last: float, count: int) -> list[float]:
    """Kill moments spread over the run, each at a random point of its own slice."""
    rng = random.Random(seed)
    width = (last - first) / count
    return [round(first + i * width + rng.uniform(0, width), 2) for i in range(count)]


def _all_or_nothing(
    url: str, args: tuple[str, ...], marker: str, delays: list[float]
) -> tuple[dict, dict]:
    """Kill the command once right after `marker` (printed while its transaction is open),
    then at each delay until one run got through; every state seen must be the one before
    or the one an uninterrupted run leaves. Returns (before, complete)."""
    before = _state(url)
    assert _kill_when(url, marker, *args), f"{args[0]} ended before printing {marker!r}"
    mid_run = _state(url)
    assert not _changed(before, mid_run), f"half-written {args[0]}: {_changed(before, mid_run)}"
    finished = []
    for delay in delays:
        _kill_after(url, delay, *args)
        state = _state(url)
        if state != before:
            finished.append((delay, state))
            break
    if not finished:
        _lindung(url, *args)
    complete = _state(url)
    assert complete != before
    for delay, state in finished:
        assert not _changed(state, complete), f"half-written {args[0]} after {delay}s"
    return before, complete


DEMO = ("demo", "--workers", str(DEMO_WORKERS), "--seed", "3")


def _ensure_demo(url: str) -> None:
    if _state(url)["workers_worker"] == 0:
        _lindung(url, *DEMO)


def test_demo_load_killed_at_any_moment_is_all_or_nothing(demo_db):
    assert _state(demo_db)["workers_worker"] == 0
    # "funding:" is printed by the first registered step, after the workers and memberships
    # were written and before the outreach and coverage steps: the transaction is open.
    before, complete = _all_or_nothing(demo_db, DEMO, "funding:", _kill_moments(11, 1, 10, 3))
    assert before["workers_worker"] == 0
    assert complete["workers_worker"] == DEMO_WORKERS
    grown = _changed(before, complete)
    for table in (
        "enrollment_membership",
        "enrollment_membershiptransition",
        "outreach_team",
        "outreach_activity",
        "funding_commitment",
        "coverage_coveragesnapshot",
        "accounts_user",
    ):
        assert table in grown, f"{table} not written by the demo"


def test_coverage_refresh_killed_at_any_moment_is_all_or_nothing(demo_db):
    """The Bupati's monthly report reads the coverage summary rows; rebuilding them for
    another day deletes and reinserts every village's months, in one transaction."""
    _ensure_demo(demo_db)
    day = (dt.date.today() - dt.timedelta(days=45)).isoformat()
    args = ("coverage_refresh", "52.03", "--date", day)
    # The progress bar is printed while the transaction is open (rollups and log come after).
    before, complete = _all_or_nothing(demo_db, args, " bulan", _kill_moments(5, 0.8, 6, 4))
    assert complete["snapshot_sums"][3].startswith(day)
    assert complete["coverage_coveragerefreshlog"] == before["coverage_coveragerefreshlog"] + 1
    assert complete["snapshot_sums"] != before["snapshot_sums"]


REPORT = """
import sys
from lindung.accounts.models import User
from lindung.areas.models import Area
from lindung.coverage import reports
from lindung.coverage.exports import pdf_response
from lindung.coverage.periods import month_start, today
from django.template.loader import render_to_string
user = User.objects.get(username="admin")
area = Area.objects.get(code="52.03")
print("laporan dimulai", flush=True)
for _ in range({rounds}):
    data = reports.monthly(user, area, month_start(today()))
    xlsx = reports.monthly_xlsx(data, "laporan").content
    pdf = pdf_response(render_to_string("coverage/pdf/monthly.html", data), "laporan").content
print("laporan", xlsx[:2].decode(), pdf[:4].decode(), len(data["children"]), flush=True)
"""


def test_monthly_report_killed_at_any_moment_leaves_the_database_as_it_was(demo_db):
    _ensure_demo(demo_db)
    before = _state(demo_db)
    script = REPORT.format(rounds=3)
    for after in (0.0, 0.5, 1.5, 3.0):
        assert _kill_when(demo_db, "laporan dimulai", "shell", "-c", script, after=after)
        assert not _changed(before, _state(demo_db)), f"report left changes after {after}s"
    # Uninterrupted it produces an XLSX (zip) and a PDF with the regency's 21 kecamatan.
    out = _lindung(demo_db, "shell", "-c", REPORT.format(rounds=1)).strip().splitlines()[-1]
    assert out == "laporan PK %PDF 21"
    assert not _changed(before, _state(demo_db))
