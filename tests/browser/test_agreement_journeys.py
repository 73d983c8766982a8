"""A family sharing agreement from the counter to the review queue and the printed form."""

import datetime as dt

from django.urls import reverse

from accounts.models import AgreementStatus, Scheme, SharingAgreement
from accounts.tests.factories import make_person
from tests.browser.support import field_error


def test_clerk_registers_a_son_and_a_reviewer_approves(page_as, shot, clerk, li_ming):
    son = make_person(
        name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1), operator=clerk
    )
    page = page_as(clerk)
    page.goto(reverse("admin:accounts_sharingagreement_counter"))
    page.fill("#id_id_number", li_ming.id_number.lower())  # as a card reader types it
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/counter/{li_ming.pk}/")
    assert li_ming.account.number in page.content()
    shot(page, "grantor found with the account")

    page.fill("#id_b-0-beneficiary_id_number", son.id_number)
    page.select_option("#id_b-0-relationship", "parent")  # wrong: a son is younger
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert "2010-03-01" in field_error(page, "b-0-relationship")
    shot(page, "birth dates contradict the relationship, next to the field")
    assert not SharingAgreement.objects.exists()

    page.select_option("#id_b-0-relationship", "child")
    with page.expect_navigation():
        page.click("input.default[type=submit]")
    assert page.locator(".messagelist .success").is_visible()
    assert son.masked_id_number in page.content() and son.id_number not in page.content()
    shot(page, "registered, waiting for review")

    reviewer = page_as("reviewer")
    reviewer.goto(reverse("admin:accounts_pendingsharingagreement_changelist"))
    reviewer.check("#result_list tbody input.action-select")
    reviewer.select_option("select[name=action]", "approve")
    with reviewer.expect_navigation():
        reviewer.click("button[name=index]")
    assert reviewer.locator(".messagelist .success").is_visible()
    shot(reviewer, "approved from the queue")
    assert SharingAgreement.objects.get().status == AgreementStatus.APPROVED

    agreement = SharingAgreement.objects.get()
    page.goto(reverse("admin:accounts_sharingagreement_print", args=[agreement.pk]))
    assert li_ming.masked_id_number in page.content()
    shot(page, "confirmation form")
