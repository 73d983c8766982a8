"""Demo logins for each role, insured persons with money, agreements, and the transfers
app's payments, held payment, wallet transfer and reversal request; safe to run again."""

import base64
import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    EntryKind,
    InsuredPerson,
    PoolingRegion,
    Scheme,
    ServiceHall,
    SharingAgreement,
    StaffPlacement,
)
from accounts.services.agreements import agreement_approve, agreement_register
from accounts.services.ledger import ledger_post
from accounts.services.people import person_register
from core.idnumbers import compose_id_number
from staff.roles import ROLE_NAMES, roles_sync
from staff.services import second_factor_required
from transfers.demo import demo_transfers_load

DEMO_PASSWORD = "demo-{role}-2026"

# code, name, pooling region: the demo logins work at the first (regional scope).
DEMO_HALLS = [
    ("320500-01", "苏州市姑苏区医保服务大厅", "320500"),
    ("411300-01", "南阳市医保服务大厅", "411300"),
]

# grantor, beneficiary, relationship, evidence, approved by the reviewer
DEMO_AGREEMENTS = [
    ("李明", "李小明", "child", "household_register", True),
    ("王芳", "张秀英", "parent", "kinship_certificate", False),
]

# name, region, scheme, birth, order (odd: male), opening credit
DEMO_PERSONS = [
    ("李明", "320500", Scheme.EMPLOYEE, dt.date(1978, 3, 14), 31, "500.00"),
    ("李小明", "320500", Scheme.RESIDENT, dt.date(2008, 9, 2), 13, None),
    ("王芳", "320500", Scheme.EMPLOYEE, dt.date(1985, 11, 23), 42, "1200.00"),
    ("王建国", "411300", Scheme.EMPLOYEE, dt.date(1955, 6, 1), 17, "300.00"),
    ("张秀英", "320100", Scheme.RESIDENT, dt.date(1950, 1, 20), 28, None),
    ("赵磊", "330100", Scheme.EMPLOYEE, dt.date(1990, 7, 8), 55, "2600.00"),
]


class Command(BaseCommand):
    help = "Create demo users, insured persons, agreements and transfers; print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        groups = roles_sync()
        User = get_user_model()
        halls = [
            ServiceHall.objects.get_or_create(
                code=code, defaults={"name": name, "region": PoolingRegion.objects.get(code=region)}
            )[0]
            for code, name, region in DEMO_HALLS
        ]
        self.stdout.write("Demo logins (http://127.0.0.1:8000/):")
        for role, group_name in ROLE_NAMES.items():
            user, created = User.objects.get_or_create(
                username=role, defaults={"is_staff": True, "first_name": group_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD.format(role=role))
                user.save()
            user.groups.add(groups[role])
            StaffPlacement.objects.get_or_create(user=user, defaults={"hall": halls[0]})
            self.stdout.write(f"  {group_name:<6} {role:<11} {DEMO_PASSWORD.format(role=role)}")
            if second_factor_required(user):
                self._demo_device(user)
        operator = User.objects.get(username="clerk")
        numbers = {}
        for name, region, scheme, birth, order, opening in DEMO_PERSONS:
            number = numbers[name] = compose_id_number(region, birth, order)
            person = InsuredPerson.objects.filter(id_number=number).first()
            if person is None:
                person = person_register(
                    name=name,
                    id_number=number,
                    scheme=scheme,
                    region=PoolingRegion.objects.get(code=region),
                    # Persons of other regions are their own halls' to register:
                    # loaded here as by the system (no operator).
                    operator=operator if region == halls[0].region_id else None,
                    enrolled_on=dt.date(2020, 1, 1),
                )
            if opening:
                ledger_post(
                    holder=person.account,
                    kind=EntryKind.CREDIT,
                    amount=Decimal(opening),
                    idempotency_key=f"demo-opening-{person.pk}",
                    operator=operator,
                    memo="演示数据：期初划入",
                )
        self.stdout.write(f"Demo insured persons: {len(DEMO_PERSONS)}")
        reviewer = User.objects.get(username="reviewer")
        for grantor, beneficiary, relationship, evidence, approved in DEMO_AGREEMENTS:
            pair = {
                "grantor__id_number": numbers[grantor],
                "beneficiary__id_number": numbers[beneficiary],
            }
            if SharingAgreement.objects.live().filter(**pair).exists():
                continue
            agreement = agreement_register(
                grantor_id_number=numbers[grantor],
                beneficiary_id_number=numbers[beneficiary],
                relationship=relationship,
                evidence_type=evidence,
                effective_from=dt.date(2025, 1, 1),
                operator=operator,
            )
            if approved:
                agreement_approve(agreement=agreement, operator=reviewer)
        self.stdout.write(f"Demo sharing agreements: {len(DEMO_AGREEMENTS)}")
        persons = InsuredPerson.objects.in_bulk(
            [numbers["李明"], numbers["李小明"]], field_name="id_number"
        )
        demo_transfers_load(
            grantor=persons[numbers["李明"]],
            beneficiary=persons[numbers["李小明"]],
            clerk=operator,
            acceptor=reviewer,  # the demo has one clerk; a second person accepts
        )
        self.stdout.write("Demo payments, a held payment, a wallet transfer, a reversal request.")

    def _demo_device(self, user):
        """A supervisor signs in with a TOTP code: the demo one gets a device at once and
        its key is printed, to add to an authenticator app (or ``oathtool``)."""
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        self.stdout.write(f"         TOTP key of {user.username}: {secret}")
        self.stdout.write(f"         e.g. oathtool --totp -b {secret}")
