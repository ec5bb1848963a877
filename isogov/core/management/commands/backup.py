"""``isogov backup FILE``: the database, uploaded files, manifest and checksums in one archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isogov.core.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz) of the database and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup_create(options["file"])
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {options['file']}: {len(manifest['tables'])} tables, "
                f"{rows} rows, {len(manifest['checksums'])} files"
            )
        )
