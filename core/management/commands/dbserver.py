"""``manage.py dbserver stop``: stop the embedded PostgreSQL of ``var/pgdata``.

The server is started on first use and left running (see ``core.database``);
CI and developers stop it with this command so that no process outlives a run.
Loading the settings starts the server, so stopping a stopped server starts it
once and stops it again: harmless, and the command stays a thin wrapper.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from core.database import embedded_server_stop


class Command(BaseCommand):
    help = "Stop the project's embedded PostgreSQL server."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["stop"])

    def handle(self, *args, action, **options):
        if os.environ.get("DATABASE_URL"):
            self.stdout.write("DATABASE_URL is set: no embedded server to stop.")
            return
        data_dir = settings.VAR_DIR / "pgdata"
        embedded_server_stop(data_dir)
        self.stdout.write(f"Embedded PostgreSQL in {data_dir} stopped.")
