"""Admin pages, statements and the statistics page against a generated database.

    DATABASE_URL=postgresql://…/gen_1m?host=… .venv/bin/python -m bench.pages [TEXT] [--skip TEXT]

The database is the one ``manage.py generate_data`` filled (never a throw-away
one: the point is its size). Each page is requested through Django's test
client as a superuser (no regional scope narrows it) and again as a 江苏
supervisor and a 苏州 clerk (``USERS``: placed users, what clerks use; made on
the first run), once to warm up and then ``REQUESTS`` times. The figure is the
server time (the client calls the WSGI handler in process, so it is Django's
and PostgreSQL's time, without a network) at the 95th percentile and the
number of queries of one request; beside it the median CPU time of this
process per request (Django's own work, which a loaded machine inflates
less) and the load average.
Lists are also counted at 20 and 100 rows per page: the query count must not
depend on it.
"""

import datetime as dt
import os
import statistics
import sys
import time

from bench.common import django_ready
from bench.table import Row

REQUESTS = 20
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
LIST_MS, EXACT_MS, QUERIES = 150, 50, 12


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def _subjects(region: str | None = None):
    """Search terms and records of the generated data the pages are asked about
    (of persons of ``region``, for a user placed there)."""
    from accounts.models import InsuredPerson, PersonalAccount
    from transfers.models import SharingPayment

    if region is None:
        account = PersonalAccount.objects.select_related("person").get(pk=1)  # 2,000 entries
        persons, payments = InsuredPerson.objects.all(), SharingPayment.objects.all()
    else:
        accounts = PersonalAccount.objects.select_related("person").order_by("pk")
        account = accounts.filter(person__region=region).first()
        persons = InsuredPerson.objects.filter(region=region)
        payments = SharingPayment.objects.filter(grantor__region=region)
    person = persons.filter(pk__lte=500_000).order_by("-pk").first()
    # A third of the generated names (as of Chinese names) have two characters,
    # which no trigram covers: searched on their own row.
    short = persons.filter(pk__lte=500_000, name__regex=r"^..$").order_by("-pk").first()
    payment = payments.order_by("id").only("settlement_id").last()
    return account, person, short, payment


def pages(who: str = "superuser") -> list[tuple[str, str, int, bool]]:
    """(what, URL, target in ms, is a list) for every page measured."""
    from django.utils import timezone

    account, person, short, payment = _subjects(USERS[who][2])
    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    year = f"start={today - dt.timedelta(days=364)}&end={today}"
    a = "/admin/accounts/"
    t = "/admin/transfers/"
    return [
        ("persons list", f"{a}insuredperson/", LIST_MS, True),
        ("persons, exact ID number", f"{a}insuredperson/?q={person.id_number}", EXACT_MS, True),
        ("persons, name search", f"{a}insuredperson/?q={person.name}", LIST_MS, True),
        ("persons, two-character name", f"{a}insuredperson/?q={short.name}", LIST_MS, True),
        ("persons, surname alone", f"{a}insuredperson/?q={short.name[0]}", LIST_MS, True),
        ("ledger list, all", f"{a}ledgerentry/", LIST_MS, True),
        (
            "ledger, one month's date range",
            f"{a}ledgerentry/?occurred_at__from={month}&occurred_at__to={month_end}",
            LIST_MS,
            True,
        ),
        ("ledger, by account number", f"{a}ledgerentry/?q={account.number}", EXACT_MS, True),
        ("payments list", f"{t}sharingpayment/", LIST_MS, True),
        ("payments, by 结算ID", f"{t}sharingpayment/?q={payment.settlement_id}", EXACT_MS, True),
        ("agreements, by name", f"{a}sharingagreement/?q={person.name}", LIST_MS, True),
        ("agreements, two-character name", f"{a}sharingagreement/?q={short.name}", LIST_MS, True),
        ("review queue: agreements", f"{a}pendingsharingagreement/", LIST_MS, True),
        ("review queue: held payments", f"{t}heldpayment/", LIST_MS, True),
        ("review queue: reversals", f"{t}requestedreversal/", LIST_MS, True),
        ("person page", f"{a}insuredperson/{account.person_id}/change/", LIST_MS, False),
        ("account page", f"{a}personalaccount/{account.pk}/change/", LIST_MS, False),
        (
            "statement, 2,000 entries in a year: HTML",
            f"/admin/documents/accounts/{account.pk}/statement/?{year}",
            300,
            False,
        ),
        (
            "statement, 2,000 entries in a year: PDF",
            f"/admin/documents/accounts/{account.pk}/statement/?{year}&format=pdf",
            3000,
            False,
        ),
        (
            "statistics page, a full year",
            f"/admin/documents/reports/sharing/?start={today.replace(month=1, day=1)}"
            f"&end={today.replace(month=12, day=31)}",
            500,
            False,
        ),
    ]


def _queries(client, url) -> int:
    """The queries of one request, without the session's write that a request makes
    once a minute (``staff.middleware.LAST_SEEN_STEP``): the same count every run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staff.middleware import LAST_SEEN

    session = client.session
    session[LAST_SEEN] = int(time.time())
    session.save()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _per_page(url, rows: int):
    """The list's admin with ``rows`` rows a page (the registered instance, for the run)."""
    from django.urls import resolve

    model_admin = resolve(url.split("?")[0]).func.model_admin
    previous, model_admin.list_per_page = model_admin.list_per_page, rows
    return model_admin, previous


def measure(client, what, url, target, is_list) -> Row:
    warm = _queries(client, url)  # warm-up (caches, the first connection)
    samples = []
    cpu = time.process_time()
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    # Under load wall times lie: the process's CPU a request and the load beside them.
    cpu_ms = (time.process_time() - cpu) * 1000 / REQUESTS
    p95 = _p95(samples)
    counts = []
    if is_list:
        for rows in (20, 100):
            model_admin, previous = _per_page(url, rows)
            try:
                counts.append(_queries(client, url))
            finally:
                model_admin.list_per_page = previous
    else:
        counts.append(warm)
    queries = "/".join(str(c) for c in counts)
    met = p95 <= target and (not is_list or (max(counts) <= QUERIES and len(set(counts)) == 1))
    load = os.getloadavg()[0]
    return Row(
        what,
        f"≤ {target} ms" + (f", ≤ {QUERIES} queries" if is_list else ""),
        f"{p95:,.0f} ms p95, {queries} queries"
        + (" (20/100 rows)" if is_list else "")
        + f"; CPU {cpu_ms:,.0f} ms a request, load {load:.1f}",
        met,
    )


# Who asks: the superuser (no scope), and the placed users clerks and supervisors
# are (their regional scope narrows every list): username, role, hall's region.
USERS = {
    "superuser": ("bench-admin", None, None),
    "江苏 supervisor": ("bench-supervisor", "supervisor", "320500"),
    "苏州 clerk": ("bench-clerk", "clerk", "320500"),
}


def bench_client(who: str = "superuser"):
    """A test client signed in (second factor included) as the bench user ``who``
    (``USERS``), made on the first run: a user row, its hall placement and device."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import PoolingRegion, ServiceHall, StaffPlacement
    from staff.roles import ROLE_NAMES

    username, role, region = USERS[who]
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": role is None}
    )
    if created and role:
        user.groups.add(Group.objects.get(name=ROLE_NAMES[role]))
        hall, _ = ServiceHall.objects.get_or_create(
            code=f"BENCH{region}",
            defaults={"name": "bench", "region": PoolingRegion.objects.get(code=region)},
        )
        StaffPlacement.objects.create(user=user, hall=hall)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)  # and the second factor, as the tests' client does
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def plain_static():
    """Static files as in development: no collected manifest is needed to render."""
    from django.conf import settings
    from django.test import override_settings

    return override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    )


def rows(only: str | None = None, skip: str | None = None) -> list[Row]:
    """Every page's row for every user of ``USERS``; ``only`` / ``skip``: the pages
    whose name (with the user's) has that text."""
    django_ready()
    found = []
    with plain_static():
        for who in USERS:
            client = None
            for what, url, target, is_list in pages(who):
                what = what if who == "superuser" else f"{what} ({who})"
                if (only and only not in what) or (skip and skip in what):
                    continue
                client = client or bench_client(who)
                row = measure(client, what, url, target, is_list)
                print(f"  {row.what}: {row.measured}", file=sys.stderr, flush=True)
                found.append(row)
    return found


if __name__ == "__main__":
    from bench.table import table

    args = sys.argv[1:]
    skip = args[args.index("--skip") + 1] if "--skip" in args else None
    only = next((a for a in args if not a.startswith("--") and a != skip), None)
    print(table(rows(only, skip)))
