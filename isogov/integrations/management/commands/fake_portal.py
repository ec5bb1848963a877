"""``isogov fake-portal --port N``: the fake national portal on loopback (for tests and demos)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isogov.integrations.fake_portal.server import FakePortal, add_arguments, faults_of


class Command(BaseCommand):
    help = "Serve a fake national portal on 127.0.0.1 (docs/integrations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        server = FakePortal(
            options["port"],
            db=options["db"],
            username=options["username"],
            password=options["password"],
            faults=faults_of(options),
        )
        self.stdout.write(f"fake portal on {server.url} (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.server_close()
