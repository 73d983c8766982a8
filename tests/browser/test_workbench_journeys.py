"""The clerk's day from the home page, and the auditor's search and export (issue 13).

Every page is seen at the hall PC's 1366×768: ``shot`` fails on English on screen
and on a list that scrolls sideways (tests/browser/conftest.py).
"""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse

from accounts.models import AgreementStatus, InsuredPerson, Scheme, SharingAgreement
from accounts.services.agreements import agreement_approve
from accounts.tests.factories import credit, make_person, make_user
from core.idnumbers import compose_id_number
from tests.browser.support import choose_autocomplete
from transfers.models import WalletTransfer


def _no_quiet_hours(region):
    """The journey runs at any hour: the region's wallet quiet hours switched off."""
    region.wallet_quiet_from = region.wallet_quiet_until = dt.time(0, 0)
    region.save(update_fields=["wallet_quiet_from", "wallet_quiet_until"])


def test_clerk_day_from_the_home_page(page_as, shot, clerk):
    wife = make_person(name="王芳", birth=dt.date(1982, 4, 2), gender="F", operator=clerk)
    son = make_person(
        name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1), operator=clerk
    )
    resident = make_person(name="张秀英", scheme=Scheme.RESIDENT, gender="F", operator=clerk)
    page = page_as(clerk)
    shortcuts = page.locator(".home-shortcuts a").all_inner_texts()
    assert shortcuts == ["登记参保人", "办理共济关系", "钱包转账", "录入结算", "打印对账单"]
    assert "我被驳回待更正的共济关系" in page.locator(".home-queues").inner_text()
    shot(page, "home page")

    # 登记参保人: the clerk lands on the new person's page, the hub.
    page.click(".home-shortcuts >> text=登记参保人")
    number = compose_id_number("320500", dt.date(1980, 5, 17), 13)
    page.fill("#id_name", "李明")
    page.fill("#id_id_number", number)
    page.select_option("#id_scheme", "310")
    choose_autocomplete(page, "region", "苏州", "苏州市")
    page.fill("#id_enrolled_on", "2020-01-01")
    shot(page, "registration form")
    page.click("input[name=_save]")
    page.wait_for_url("**/insuredperson/*/change/")
    person = InsuredPerson.objects.get(id_number=number)
    credit(person.account, "1000.00", operator=clerk)
    page.reload()
    hub = page.locator(".hub-actions").inner_text()
    for action in ("办理共济关系", "钱包转账", "录入结算", "冻结账户", "打印对账单"):
        assert action in hub
    assert person.masked_id_number in page.content() and number not in page.content()
    shot(page, "person page as a hub")

    # 办理共济关系 with two beneficiaries; the second block is added on demand.
    page.click(".hub-actions >> text=办理共济关系")
    page.wait_for_url(f"**/counter/{person.pk}/")
    assert page.locator("fieldset.beneficiary:visible").count() == 1
    page.fill("#id_b-0-beneficiary_id_number", wife.id_number)
    found = page.locator(".field-beneficiary_id_number .id-lookup.ok").first
    found.wait_for()
    assert "王芳" in found.inner_text() and wife.masked_id_number in found.inner_text()
    page.select_option("#id_b-0-relationship", "spouse")
    page.click("text=再添加一位被共济人")
    assert page.locator("fieldset.beneficiary:visible").count() == 2
    page.fill("#id_b-1-beneficiary_id_number", son.id_number)
    page.select_option("#id_b-1-relationship", "child")
    shot(page, "two beneficiaries filled")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert page.locator(".messagelist .success").is_visible()
    shot(page, "two agreements registered")
    agreements = SharingAgreement.objects.filter(grantor=person)
    assert sorted(a.beneficiary.name for a in agreements) == ["李小明", "王芳"]
    assert {a.status for a in agreements} == {AgreementStatus.PENDING}

    # A grantor who cannot share is stopped as soon as the number is typed.
    page.goto(reverse("admin:accounts_sharingagreement_counter"))
    page.fill("#id_id_number", resident.id_number)
    refusal = page.locator(".id-lookup.refused")
    refusal.wait_for()
    assert "张秀英" in refusal.inner_text() and "职工" in refusal.inner_text()
    shot(page, "resident stopped at the lookup")

    # 钱包转账 from the person's page, with its receipt.
    reviewer = make_user("reviewer")
    agreement_approve(agreement=agreements.get(beneficiary=son), operator=reviewer)
    _no_quiet_hours(person.region)
    page.goto(reverse("admin:accounts_insuredperson_change", args=[person.pk]))
    page.click(".hub-actions >> text=钱包转账")
    assert page.input_value("#id_sender_id_number") == person.masked_id_number
    page.fill("#id_recipient_id_number", son.id_number)
    page.locator(".field-recipient_id_number .id-lookup.ok").wait_for()
    page.fill("#id_amount", "200")
    shot(page, "wallet transfer filled from the person page")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert page.locator(".messagelist .success").is_visible()
    transfer = WalletTransfer.objects.get()
    assert (transfer.sender, transfer.recipient) == (person, son)
    assert transfer.amount == Decimal("200.00")
    shot(page, "transfer made")
    page.goto(reverse("admin:transfers_wallettransfer_receipt", args=[transfer.pk]))
    assert son.masked_id_number in page.content() and son.id_number not in page.content()
    shot(page, "receipt")

    # 打印对账单 from the person's page.
    page.goto(reverse("admin:accounts_insuredperson_change", args=[person.pk]))
    page.click(".hub-actions >> text=打印对账单")
    page.wait_for_selector("h1.doc-title")
    assert person.account.number in page.content()
    shot(page, "statement")

    # The home search: the last 4 characters and the name lead straight to the person.
    page.goto(reverse("admin:index"))
    page.fill("#home-q", f"{number[-4:]}李明")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    assert page.url.endswith(reverse("admin:accounts_insuredperson_change", args=[person.pk]))


def test_auditor_searches_from_the_home_page_and_exports(page_as, shot, auditor, clerk, li_ming):
    others = [make_person(name=f"苏州参保人{i}", operator=clerk) for i in range(3)]
    page = page_as(auditor)
    shortcuts = page.locator(".home-shortcuts a").all_inner_texts()
    assert shortcuts == ["打印对账单"]  # no counter tasks for an auditor
    shot(page, "auditor's home page")

    page.fill("#home-q", li_ming.account.number)
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    assert page.url.endswith(reverse("admin:accounts_insuredperson_change", args=[li_ming.pk]))
    assert page.locator(".hub-actions a").all_inner_texts() == ["打印对账单"]
    shot(page, "person found by account number")

    page.goto(reverse("admin:index"))
    page.fill("#home-q", "参保人")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    assert page.locator(".search-results tbody tr").count() == 3
    shot(page, "several matches listed")

    page.goto(reverse("admin:accounts_insuredperson_changelist"))
    shot(page, "person list at 1366 wide")
    with page.expect_download() as download:
        page.click("text=导出 CSV")
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    assert sorted(r[1] for r in rows[1:]) == sorted(p.masked_id_number for p in [li_ming, *others])
