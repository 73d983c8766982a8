"""Signing in as a supervisor: enrolling an authenticator app, then the code at each sign-in;
and the read-only history of a policy."""

import base64
import datetime as dt

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ProvincePolicy
from accounts.models.regions import POLICY_DATE_FIELDS
from accounts.services.regions import policy_update
from accounts.tests.factories import PASSWORD
from staff.tests.totp import totp_code
from tests.browser.support import field_error


def test_supervisor_enrols_an_authenticator_app_at_first_sign_in(open_page, shot, supervisor):
    TOTPDevice.objects.filter(user=supervisor).delete()  # a new supervisor has none yet
    page = open_page()
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/sign-in/second-factor/enrol/**")
    assert page.locator(".totp-qr svg").is_visible()
    key_groups = page.locator(".totp-secret").inner_text().split()  # letters, not English
    shot(page, "QR code to scan", allow_english=key_groups)

    page.fill("#id_token", "12345a")
    page.click("input[type=submit]")
    assert "6 位数字" in field_error(page, "token")
    shot(page, "a code that is not 6 digits refused next to the field", allow_english=key_groups)

    secret = "".join(key_groups)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", totp_code(key))
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert "验证器应用已设置完成" in page.locator(".messagelist").inner_text()
    shot(page, "signed in with the app set up")


def test_supervisor_signs_in_with_a_code_and_reads_a_policys_history(page_as, shot, supervisor):
    page = page_as(supervisor)  # password, then the code of the app
    policy = ProvincePolicy.objects.order_by("pk").first()
    policy_update(
        policy=policy, operator=supervisor, **{POLICY_DATE_FIELDS[0]: dt.date(2027, 1, 1)}
    )
    page.goto(reverse("admin:accounts_provincepolicy_history", args=[policy.pk]))
    trail = page.locator("#trail").inner_text()
    assert "管理员 " in trail and " 改为 2027-01-01" in trail
    assert page.locator("input[name=_save]").count() == 0
    shot(page, "history of a policy, read-only sentences")
