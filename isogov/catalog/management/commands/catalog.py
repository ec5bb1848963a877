"""``isogov catalog import FILE`` and ``isogov catalog export FILE`` (JSON or XLSX by extension)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from isogov.catalog.exchange import catalog_export, catalog_export_xlsx, catalog_import_file
from isogov.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Import or export the procedure catalogue (JSON or XLSX, see docs/catalog-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="Check a file, then import it (all or nothing).")
        importer.add_argument("file")
        exporter = sub.add_parser("export", help="Write the whole catalogue to a file.")
        exporter.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["action"] == "export":
            if path.suffix.lower() == ".xlsx":
                path.write_bytes(catalog_export_xlsx())
            else:
                text = json.dumps(catalog_export(), ensure_ascii=False, indent=1)
                path.write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Exported to {path}"))
            return
        if not path.is_file():
            raise CommandError(f"No such file: {path}")

        def progress(phase: str, done: int, total: int) -> None:
            if options["verbosity"] >= 1 and (done == total or done % 100 == 0):
                self.stdout.write(f"  {phase} {done}/{total}")

        try:
            result = catalog_import_file(
                actor=None, name=path.name, content=path.read_bytes(), progress=progress
            )
        except ValidationFailed as error:
            for line in error.details.get("rows", []):
                self.stderr.write(f"  {line}")
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.procedures} procedures ({result.versions_created} versions "
                f"stored, {result.versions_unchanged} unchanged), {result.processes} processes, "
                f"{result.assignments} assignments."
            )
        )
