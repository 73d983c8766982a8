"""Test data built through the services, as the product builds it.

ID numbers are valid: a real division code, the given birth date, a sequence
number whose parity gives the gender, and the computed GB 11643 check digit.
"""

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.imports import CreditsImport
from accounts.models import EntryKind, PoolingRegion, Scheme, ServiceHall, StaffPlacement
from accounts.services.agreements import agreement_approve, agreement_register
from accounts.services.ledger import ledger_post
from accounts.services.people import person_register
from core.idnumbers import compose_id_number
from core.importing import import_run
from core.tests.files import csv_file
from staff.roles import ROLE_NAMES, roles_sync
from staff.services import second_factor_required

_serial = itertools.count(1)


def serials_reset() -> None:
    """Start numbering again (each test does): the same test builds the same people,
    whatever ran before it, so dates derived from ID numbers stay as written."""
    global _serial
    _serial = itertools.count(1)


PASSWORD = "pw-test-123"  # every test user's; the browser tests log in with it


def make_id_number(
    region_code: str = "320500", birth: dt.date = dt.date(1980, 5, 17), gender: str = "M"
) -> str:
    """A valid 18-character ID number, different on every call (sequence digits)."""
    serial = next(_serial)
    order = (serial % 500) * 2 + (1 if gender == "M" else 0)
    # Past 500 numbers for one birth date, move to the next day (tests rarely care).
    return compose_id_number(region_code, birth + dt.timedelta(days=serial // 500), order)


def make_hall(region: str = "320500") -> ServiceHall:
    """The test service hall of a pooling region (one per region)."""
    hall, _created = ServiceHall.objects.get_or_create(
        code=f"T{region}",
        defaults={"name": f"{region}服务大厅", "region": PoolingRegion.objects.get(code=region)},
    )
    return hall


def make_user(
    role: str | None = None,
    username: str | None = None,
    *,
    region: str = "320500",
    hall: ServiceHall | None = None,
    **extra,
):
    """A staff user, in the group of ``role`` (clerk, reviewer, supervisor, auditor,
    national), placed in ``hall`` (default: the test hall of ``region``, 苏州市), so
    that their regional scope is that region (its province for a supervisor or
    auditor); ``hall=False`` leaves them without one.

    A user whose role signs in with a second factor (supervisors) gets a confirmed
    TOTP device, as they would have after enrolling (``staff.tests.totp`` gives its
    codes)."""
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_serial)}", password=PASSWORD, is_staff=True, **extra
    )
    if role:
        user.groups.add(roles_sync()[role])
    assert role is None or role in ROLE_NAMES
    if hall is not False:
        StaffPlacement.objects.create(user=user, hall=hall or make_hall(region))
    if second_factor_required(user):
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def make_person(
    *,
    name: str = "李明",
    region: str = "320500",
    scheme: str = Scheme.EMPLOYEE,
    birth: dt.date = dt.date(1980, 5, 17),
    gender: str = "M",
    operator=None,
    **extra,
):
    return person_register(
        name=name,
        id_number=make_id_number(region if region[:2] != "66" else "650100", birth, gender),
        scheme=scheme,
        region=PoolingRegion.objects.get(code=region),
        operator=operator,
        **extra,
    )


def credit(account, amount, *, operator=None, key: str | None = None):
    """Put money into an account (a monthly credit) through the posting function."""
    return ledger_post(
        holder=account,
        kind=EntryKind.CREDIT,
        amount=Decimal(amount),
        idempotency_key=key or f"test-credit-{next(_serial)}",
        operator=operator,
    )


def import_credits(person, amounts: dict[str, str], *, operator):
    """Credit ``person`` through the credits import, as the hall does: one row per
    划入年月 (``{"2025-11": "300.00"}``), each month its own 批次号."""
    header = ["批次号", "公民身份号码", "划入年月", "金额", "摘要"]
    rows = [
        [f"{m}-{person.region_id}", person.id_number, m, a, "月度划入"] for m, a in amounts.items()
    ]
    report = import_run(
        CreditsImport(), csv_file([header, *rows]), operator=operator, dry_run=False
    )
    assert report.written and not report.errors, report.errors


IN_FORCE_FROM = dt.date(2024, 1, 1)


def make_agreement(
    grantor,
    beneficiary,
    *,
    operator=None,
    relationship: str = "child",
    reviewer=None,
    evidence_type: str = "household_register",
    **extra,
):
    """An agreement registered through the counter's service by ``operator``, approved
    when ``reviewer``; effective today unless ``effective_from``.

    Without an operator, a clerk of its own registers it and a reviewer of its own
    approves it, in force from 2024-01-01 unless ``effective_from``: the agreement the
    payment and transfer tests take as given (early enough for their 2025 dates).
    """
    if operator is None:
        operator = make_user("clerk", region=grantor.region_id)
        reviewer = reviewer or make_user("reviewer", region=grantor.region_id)
        extra.setdefault("effective_from", IN_FORCE_FROM)
    agreement = agreement_register(
        grantor_id_number=grantor.id_number,
        beneficiary_id_number=beneficiary.id_number,
        relationship=relationship,
        evidence_type=evidence_type,
        operator=operator,
        **extra,
    )
    if reviewer is not None:
        agreement = agreement_approve(agreement=agreement, operator=reviewer)
    return agreement


def person_form(person, **changes) -> dict:
    """The person page's form as a clerk posts it: the person's data, with ``changes``."""
    return {
        "name": person.name,
        "scheme": person.scheme,
        "category": person.category,
        "status": person.status,
        "region": person.region_id,
        "phone": person.phone,
        "enrolled_on": person.enrolled_on.isoformat() if person.enrolled_on else "",
        **changes,
    }
