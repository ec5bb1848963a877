"""``isogov restore FILE``: restore a backup archive into an empty installation."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from isogov.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into this installation, whose database must be empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {len(manifest['tables'])} tables from {options['file']} "
                f"(backup of {manifest['created_at']}); every table matches the manifest"
            )
        )
