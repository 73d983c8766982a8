"""``manage.py generate_data --persons 1000000``: a benchmark database (``yibao.datagen``)."""

from django.core.management.base import BaseCommand, CommandError

from yibao.datagen import NotEmpty, generate


class Command(BaseCommand):
    help = "Fill an empty database with generated persons, accounts, agreements and ledgers."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=12)

    def handle(self, *args, persons, seed, **options):
        if persons < 100:
            raise CommandError("--persons: at least 100")

        def say(line):  # each step as it ends, also into a pipe or a log
            self.stdout.write(line)
            self.stdout.flush()

        try:
            counts = generate(persons, seed=seed, say=say)
        except NotEmpty as error:
            raise CommandError(str(error)) from None
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count:,}")
