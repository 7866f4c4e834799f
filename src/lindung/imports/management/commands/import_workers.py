"""`lindung import_workers FILE [--commit] [--json]` (contract in DESIGN.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.imports.services import STAGES, run_import


class TerminalProgress:
    """A one-line progress bar on stderr (stdout stays clean for --json)."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled, self.last = stream, enabled, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        percent = int(100 * done / total) if total else 0
        key = (stage, percent)
        if key == self.last:
            return
        self.last = key
        bar = "#" * (percent // 4)
        label = STAGES.get(stage, stage)
        self.stream.write(f"\r{label:<32} [{bar:<25}] {percent:3d}% ({done}/{total})")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.last:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Periksa (dan dengan --commit simpan) daftar pekerja dari XLSX/XLS/ODS/CSV."

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas XLSX, XLS, ODS atau CSV")
        parser.add_argument("--commit", action="store_true", help="simpan baris yang diterima")
        parser.add_argument(
            "--json", action="store_true", help="cetak hasil sebagai satu objek JSON"
        )
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        progress = TerminalProgress(sys.stderr, not options["no_progress"] and sys.stderr.isatty())
        outcome, _table = run_import(
            path.name, path.read_bytes(), commit=options["commit"], progress=progress
        )
        progress.close()
        result = outcome.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        mode = "disimpan" if options["commit"] else "uji coba (tidak disimpan; pakai --commit)"
        self.stdout.write(
            f"{result['rows']} baris: {result['accepted']} diterima, "
            f"{result['rejected']} ditolak, {len(result['warnings'])} peringatan — {mode}."
        )
        for name, why in outcome.skipped_sheets:
            self.stdout.write(f"Lembar '{name}' dilewati: {why}.")
        for kind, items in (("GALAT", result["errors"]), ("PERINGATAN", result["warnings"])):
            for p in items[:200]:
                where = f"baris {p['row']}" if p["row"] else "berkas"
                if p.get("sheet"):
                    where = f"lembar '{p['sheet']}' {where}"
                col = f" [{p['column']}]" if p["column"] else ""
                self.stdout.write(f"{kind} {where}{col} {p['code']}: {p['message']}")
            if len(items) > 200:
                self.stdout.write(f"… dan {len(items) - 200} {kind.lower()} lainnya.")
