"""The hold rule and its settings page: one rule for the write and the file's preview."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import credit, make_agreement, make_person
from core.errors import SettingNotPositive
from core.importing import import_run
from core.tests.files import xlsx_file
from transfers.imports import SettlementsImport
from transfers.models import HoldReason, HoldRules, PaymentStatus, SharingPayment
from transfers.services.holds import hold_rules_update

pytestmark = pytest.mark.django_db


def test_hold_rules_update_records_the_operator_in_the_history(supervisor):
    rules = hold_rules_update(operator=supervisor, amount_threshold=Decimal("3000.00"))
    assert (rules.amount_threshold, rules.updated_by) == (Decimal("3000.00"), supervisor)
    latest = HoldRules.pgh_event_model.objects.latest("pgh_id")
    assert (latest.amount_threshold, latest.pgh_context["user"]) == (
        Decimal("3000.00"),
        supervisor.pk,
    )


def test_a_threshold_not_above_zero_is_refused(supervisor):
    with pytest.raises(SettingNotPositive) as refused:
        hold_rules_update(operator=supervisor, amount_threshold=Decimal("0.00"))
    assert str(refused.value) == "“达到此金额的支付挂起复核”必须大于零。"
    assert refused.value.argument == "amount_threshold"
    assert HoldRules.current().amount_threshold == Decimal("5000.00")


def test_the_page_shows_the_refusal_next_to_the_field(client, supervisor):
    client.force_login(supervisor)
    url = reverse("admin:transfers_holdrules_change", args=[HoldRules.current().pk])
    kept = {"manual_amount_threshold": "0.00"}
    response = client.post(
        url, {"amount_threshold": "0", "daily_payments_per_beneficiary": "5", **kept}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["amount_threshold"] == ["“达到此金额的支付挂起复核”必须大于零。"]
    assert HoldRules.current().amount_threshold == Decimal("5000.00")
    response = client.post(
        url, {"amount_threshold": "800", "daily_payments_per_beneficiary": "2", **kept}
    )
    assert response.status_code == 302
    assert HoldRules.pgh_event_model.objects.latest("pgh_id").pgh_context["user"] == supervisor.pk


def test_oracle_the_settlement_preview_lists_each_hold_the_write_makes(
    li_ming, li_xiaoming, son_agreement, supervisor, english
):
    """Rules: hold from ¥1,000, from the 3rd payment of a beneficiary in a day,
    cross-province held. The file, with the holds worked out by hand: rows 2 and 3
    (the son's 1st and 2nd that day) post; row 4 (his 3rd) is held for the count;
    row 5 (¥1,200 the next day) for the amount; row 6 (to the father in 南阳,
    Henan) for cross-province."""
    credit(li_ming.account, "5000.00")
    father = make_person(name="李父", region="411300", scheme="390", birth=dt.date(1950, 1, 1))
    make_agreement(li_ming, father, relationship="parent", effective_from=dt.date(2025, 2, 4))
    hold_rules_update(
        operator=supervisor,
        amount_threshold=Decimal("1000.00"),
        daily_payments_per_beneficiary=2,
        hold_cross_province=True,
    )
    son, me, dad = li_xiaoming.id_number, li_ming.id_number, father.id_number
    header = ["结算ID", "结算时间", "定点机构编码", "定点机构名称", "用途"]
    header += ["被共济人身份号码", "共济人身份号码", "共济支付金额"]
    suzhou, nanyang = ("H32050000012", "苏州市立医院"), ("H41130000012", "南阳市中心医院")
    rows = [
        ["JS-1", "2025-03-10 09:30:00", *suzhou, "就医", son, me, "100.00"],
        ["JS-2", "2025-03-10 11:00:00", *suzhou, "就医", son, me, "100.00"],
        ["JS-3", "2025-03-10 15:00:00", *suzhou, "就医", son, me, "100.00"],
        ["JS-4", "2025-03-11 09:00:00", *suzhou, "就医", son, me, "1200.00"],
        ["JS-5", "2025-03-10 09:30:00", *nanyang, "就医", dad, me, "80.00"],
    ]
    content = xlsx_file([header, *rows])
    preview = import_run(
        SettlementsImport(), content, filename="s.xlsx", operator=supervisor, dry_run=True
    )
    assert preview.accepted, preview.errors
    held = [p.summary.partition(" (held for review: ")[2] for p in preview.planned]
    assert held == [
        "",
        "",
        "too many payments for the beneficiary in one day)",
        "amount at or above the review threshold)",
        "cross-province)",
    ]
    done = import_run(
        SettlementsImport(), content, filename="s.xlsx", operator=supervisor, dry_run=False
    )
    assert done.written, done.errors
    written = SharingPayment.objects.order_by("settlement_id")
    assert [(p.status, p.hold_reasons) for p in written] == [
        (PaymentStatus.POSTED, []),
        (PaymentStatus.POSTED, []),
        (PaymentStatus.HELD, [HoldReason.DAILY_COUNT]),
        (PaymentStatus.HELD, [HoldReason.AMOUNT]),
        (PaymentStatus.HELD, [HoldReason.CROSS_PROVINCE]),
    ]
