"""Database backup and restore with a verified round trip.

SQLite: the online backup API (consistent copy while the app runs).
PostgreSQL: pg_dump custom format and pg_restore. Each backup has a manifest with
the row count of every table and the SHA-256 of the dump; restore refuses a file
whose checksum does not match and reports counts after restoring.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432)]
    if s.get("USER"):
        args += ["-U", s["USER"]]
    return args, env


def backup(target: Path) -> BackupResult:
    """Write a backup to `target` (file) and `target`.json (manifest)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".partial")
    counts = table_counts()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(tmp)
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
    elif connection.vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump tidak ditemukan; pasang paket postgresql-client.")
        args, env = _pg_env()
        run = subprocess.run(
            ["pg_dump", "-Fc", "-f", str(tmp), *args, connection.settings_dict["NAME"]],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"pg_dump gagal: {run.stderr.strip()}")
    else:
        raise BackupError(f"Basis data {connection.vendor} belum didukung.")
    os.replace(tmp, target)  # a backup file exists only once it is complete
    manifest = {"vendor": connection.vendor, "sha256": _sha256(target), "tables": counts}
    target.with_suffix(target.suffix + ".json").write_text(json.dumps(manifest, indent=1))
    return BackupResult(target, manifest)


def restore(source: Path) -> dict[str, int]:
    """Replace the current database with the backup; returns table counts after restore."""
    source = Path(source)
    manifest_path = source.with_suffix(source.suffix + ".json")
    if not source.exists() or not manifest_path.exists():
        raise BackupError("Berkas cadangan atau manifesnya tidak ditemukan.")
    manifest = json.loads(manifest_path.read_text())
    if _sha256(source) != manifest["sha256"]:
        raise BackupError("Checksum berkas cadangan tidak cocok; berkas rusak atau diubah.")
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"Cadangan dibuat dari {manifest['vendor']}, basis data ini {connection.vendor}."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        src = sqlite3.connect(source)
        try:
            src.backup(connection.connection)
        finally:
            src.close()
    else:
        args, env = _pg_env()
        with tempfile.TemporaryDirectory():
            run = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    "-d",
                    connection.settings_dict["NAME"],
                    str(source),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        if run.returncode != 0:
            raise BackupError(f"pg_restore gagal: {run.stderr.strip()[:500]}")
    counts = table_counts()
    expected = manifest["tables"]
    mismatched = {t: (expected[t], counts.get(t)) for t in expected if counts.get(t) != expected[t]}
    if mismatched:
        raise BackupError(f"Jumlah baris setelah pemulihan tidak cocok: {mismatched}")
    return counts
