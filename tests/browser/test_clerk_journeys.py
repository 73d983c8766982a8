"""The clerk's, auditor's and supervisor's day on what the back office offers so far."""

import datetime as dt

from django.urls import reverse

from accounts.models import AccountStatus, InsuredPerson
from core.idnumbers import compose_id_number
from tests.browser.support import choose_autocomplete, field_error, log_in


def test_clerk_logs_in_and_registers_an_employee_who_gets_an_account(open_page, shot, clerk):
    page = open_page()
    page.goto("/admin/")
    assert page.locator("label[for=id_username]").inner_text().startswith("用户名")
    shot(page, "login page")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", "wrong-password")
    page.click("input[type=submit]")
    assert "正确的" in page.locator(".errornote").inner_text()
    shot(page, "wrong password refused")
    log_in(page, clerk.username)
    shot(page, "service hall")

    page.goto(reverse("admin:accounts_insuredperson_add"))
    number = compose_id_number("320500", dt.date(1990, 2, 3), 11)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    page.fill("#id_name", "周杰")
    page.fill("#id_id_number", wrong)
    page.select_option("#id_scheme", "310")
    page.select_option("#id_category", "1101")
    choose_autocomplete(page, "region", "苏州", "苏州市")
    page.fill("#id_phone", "13812345678")
    page.fill("#id_enrolled_on", "2020-01-01")
    shot(page, "form filled with a wrong check digit")
    page.click("input[name=_save]")
    assert "校验码" in field_error(page, "id_number")
    shot(page, "check digit refused next to the field")
    assert not InsuredPerson.objects.filter(name="周杰").exists()

    page.fill("#id_id_number", number)
    page.click("input[name=_save]")
    page.wait_for_url("**/insuredperson/*/change/")  # on the new person's page
    assert "成功" in page.locator(".messagelist .success").inner_text()
    shot(page, "registered")

    person = InsuredPerson.objects.get(name="周杰")
    assert page.url.endswith(reverse("admin:accounts_insuredperson_change", args=[person.pk]))
    account = page.locator(".field-account_summary")
    assert person.account.number in account.inner_text()
    assert person.masked_id_number in page.content()
    assert number not in page.content()  # a clerk sees the masked number only
    shot(page, "person page with the account")


def test_clerk_freezes_an_account_only_with_a_reason(page_as, shot, clerk, li_ming):
    page = page_as(clerk)
    page.goto(reverse("admin:accounts_insuredperson_change", args=[li_ming.pk]))
    shot(page, "person page")
    page.click(f".field-account_summary a:has-text('{li_ming.account.number}')")
    shot(page, "account page")
    page.click("text=冻结账户")
    shot(page, "freeze form")

    page.click("input[type=submit]")  # empty: the browser itself refuses
    assert page.locator("#id_reason").evaluate("el => el.validity.valueMissing")
    page.fill("#id_reason", "   ")  # blank: refused by the server, next to the field
    page.click("input[type=submit]")
    assert field_error(page, "reason")
    shot(page, "blank reason refused")
    li_ming.account.refresh_from_db()
    assert li_ming.account.status == AccountStatus.OPEN

    page.fill("#id_reason", "本人申请挂失")
    page.click("input[type=submit]")
    page.wait_for_url(f"**/personalaccount/{li_ming.account.pk}/change/")
    assert page.locator(".messagelist .success").is_visible()
    assert "本人申请挂失" in page.locator(".field-status_reason").inner_text()
    shot(page, "account frozen")
    li_ming.account.refresh_from_db()
    assert li_ming.account.status == AccountStatus.FROZEN


def test_auditor_sees_person_list_with_masked_id_numbers(page_as, shot, li_ming):
    page = page_as("auditor")
    page.goto(reverse("admin:accounts_insuredperson_changelist"))
    row = page.locator("#result_list tbody tr", has_text="李明")
    assert li_ming.masked_id_number in row.inner_text()
    assert li_ming.id_number not in page.content()
    shot(page, "person list masked")


def test_supervisor_is_warned_that_policies_are_sample_data(page_as, shot):
    page = page_as("supervisor")
    page.click(f".home-menu a[href='{reverse('admin:accounts_provincepolicy_changelist')}']")
    warning = page.locator(".messagelist .warning")
    assert "示例" in warning.inner_text()
    shot(page, "policy list with the sample-data warning")
