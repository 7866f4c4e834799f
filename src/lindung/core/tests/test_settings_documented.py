"""docs/settings.md is the one table of settings: the code reads nothing it does not list, and it
lists nothing the code no longer reads."""

import re
from pathlib import Path

import lindung.settings

ROOT = Path(__file__).resolve().parents[4]
TABLE = ROOT / "docs" / "settings.md"
SOURCES = [ROOT / "src", ROOT / "tests", ROOT / "bench", ROOT / "scripts"]

# Reads of an environment variable; a plain assignment `os.environ["X"] = ...` is not a read.
ENV_READS = [
    r"os\.environ\.get\(\s*['\"]([A-Z][A-Z0-9_]*)['\"]",
    r"os\.getenv\(\s*['\"]([A-Z][A-Z0-9_]*)['\"]",
    r"os\.environ\.setdefault\(\s*['\"]([A-Z][A-Z0-9_]*)['\"]",
    r"os\.environ\[\s*['\"]([A-Z][A-Z0-9_]*)['\"]\s*\](?!\s*=[^=])",
    r"env_bool\(\s*['\"]([A-Z][A-Z0-9_]*)['\"]",
]
SETTING_READS = [
    r"settings\.(LINDUNG_[A-Z0-9_]+)",
    r"getattr\(\s*settings\s*,\s*['\"](LINDUNG_[A-Z0-9_]+)['\"]",
    r"override_settings\(\s*(LINDUNG_[A-Z0-9_]+)\s*=",
]


def _documented() -> set[str]:
    rows = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    return {m.group(1) for line in rows if (m := re.match(r"\|\s*`([A-Z][A-Z0-9_]*)`", line))}


def _python_files():
    for folder in SOURCES:
        if folder.exists():
            for path in folder.rglob("*.py"):
                if "migrations" not in path.parts:
                    yield path


def _reads(patterns) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for name in re.findall(pattern, text):
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_environment_variable_read_is_in_the_table():
    missing = {n: f for n, f in _reads(ENV_READS).items() if n not in _documented()}
    assert not missing, f"add these to docs/settings.md: {missing}"


def test_every_lindung_setting_read_is_declared_and_in_the_table():
    reads = _reads(SETTING_READS)
    assert "LINDUNG_REGENCY_CODE" in reads  # the scan sees the code at all
    undeclared = {n: f for n, f in reads.items() if not hasattr(lindung.settings, n)}
    assert not undeclared, f"declare these in settings.py with their default: {undeclared}"
    missing = {n: f for n, f in reads.items() if n not in _documented()}
    assert not missing, f"add these to docs/settings.md: {missing}"


def test_every_lindung_setting_declared_is_in_the_table():
    declared = {n for n in dir(lindung.settings) if n.startswith("LINDUNG_")}
    assert declared - _documented() == set()


def test_the_table_names_only_what_is_read():
    texts = [p.read_text(encoding="utf-8") for p in _python_files()]
    texts.append((ROOT / "Makefile").read_text(encoding="utf-8"))
    stale = {n for n in _documented() if not any(n in t for t in texts)}
    assert stale == set(), f"docs/settings.md lists settings nothing reads: {stale}"
