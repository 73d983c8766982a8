"""Signing in: throttling by username, the second factor, idle expiry, password rules."""

import base64
import io
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD, make_user
from staff.middleware import LAST_SEEN
from staff.models import LoginLock
from staff.roles import ROLE_NAMES
from staff.tests.totp import device_code, totp_code
from staff.validators import NoUsernameOrDateValidator

LOGIN = reverse("admin:login")
HALL_ADDRESS = "10.20.30.40"  # one NAT address for the whole hall
VERIFY = reverse("staff:second_factor")
ENROL = reverse("staff:second_factor_enrol")


def sign_in(client, username, password=PASSWORD):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=HALL_ADDRESS,
    )


# --- throttling -------------------------------------------------------------------


def test_five_wrong_passwords_lock_that_username_not_the_hall(settings, clerk):
    colleague = make_user("clerk", username="clerk2")
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(Client(), clerk.username, "wrong-password").status_code == 200
    assert sign_in(Client(), clerk.username, "wrong-password").status_code == 429

    locked = sign_in(Client(), clerk.username)  # the right password, too late
    other = sign_in(Client(), colleague.username)  # same address, another clerk

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "用户名 clerk1 连续 5 次密码错误，已被锁定" in page and "30 分钟后再试" in page
    assert other.status_code == 302 and other.url == "/admin/"


def test_supervisor_unlocks_a_locked_clerk(client, supervisor, clerk):
    for _ in range(5):
        sign_in(Client(), clerk.username, "wrong-password")
    client.force_login(supervisor)
    changelist = reverse("admin:staff_loginlock_changelist")
    assert clerk.username in client.get(changelist).content.decode()

    response = client.post(
        changelist,
        {
            "action": "unlock",
            "_selected_action": [str(pk) for pk in LoginLock.objects.values_list("pk", flat=True)],
        },
        follow=True,
    )

    assert "已解除 1 个用户名的锁定" in response.content.decode()
    assert sign_in(Client(), clerk.username).status_code == 302


def test_clerk_may_not_unlock(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("admin:staff_loginlock_changelist")).status_code == 403


# --- second factor ----------------------------------------------------------------


def test_oracle_totp_codes_of_rfc_6238_appendix_b():
    """The test vectors of RFC 6238 (SHA-1, 8 digits) for the written-out algorithm."""
    key = b"12345678901234567890"
    vectors = {
        59: "94287082",
        1111111109: "07081804",
        1111111111: "14050471",
        1234567890: "89005924",
        2000000000: "69279037",
        20000000000: "65353130",
    }
    assert {t: totp_code(key, t, digits=8) for t in vectors} == vectors


def test_supervisor_enters_the_code_after_the_password(supervisor):
    device = TOTPDevice.objects.get(user=supervisor)
    browser = Client()

    response = sign_in(browser, supervisor.username)
    assert response.status_code == 302
    assert browser.get("/admin/").url == f"{VERIFY}?next=%2Fadmin%2F"

    wrong = browser.post(VERIFY, {"token": "000000" if device_code(device) != "000000" else "1"})
    assert "验证码错误或已过期" in wrong.content.decode()
    time.sleep(1.1)  # django-otp refuses for a second after a wrong code

    right = browser.post(VERIFY, {"token": device_code(device), "next": "/admin/"})
    assert right.status_code == 302 and right.url == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_a_code_is_accepted_once(supervisor):
    device = TOTPDevice.objects.get(user=supervisor)
    code = device_code(device)
    first, second = Client(), Client()
    sign_in(first, supervisor.username)
    sign_in(second, supervisor.username)

    assert first.post(VERIFY, {"token": code}).status_code == 302
    replay = second.post(VERIFY, {"token": code})

    assert replay.status_code == 200 and second.get("/admin/").status_code == 302


def test_supervisor_without_a_device_enrols_one_from_the_qr_code_page(supervisor):
    TOTPDevice.objects.filter(user=supervisor).delete()
    browser = Client()
    sign_in(browser, supervisor.username)

    assert browser.get("/admin/").url == f"{ENROL}?next=%2Fadmin%2F"
    page = browser.get(ENROL).content.decode()
    assert "<svg" in page and "扫描此二维码" in page
    shown = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
    key = base64.b32decode(shown + "=" * (-len(shown) % 8))

    response = browser.post(ENROL, {"token": totp_code(key), "next": "/admin/"})

    assert response.status_code == 302 and response.url == "/admin/"
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    assert browser.get("/admin/").status_code == 200


def test_the_second_factor_is_optional_for_a_clerk_until_they_enrol(clerk):
    browser = Client()
    sign_in(browser, clerk.username)
    index = browser.get("/admin/")
    assert index.status_code == 200 and "设置验证器应用" in index.content.decode()

    device = TOTPDevice.objects.create(user=clerk, name="authenticator", confirmed=True)
    again = Client()
    sign_in(again, clerk.username)

    assert again.get("/admin/").url == f"{VERIFY}?next=%2Fadmin%2F"
    assert again.post(VERIFY, {"token": device_code(device)}).status_code == 302
    assert again.get("/admin/").status_code == 200


def test_a_user_made_supervisor_must_enrol_before_going_on(client, clerk):
    clerk.groups.add(Group.objects.get(name=ROLE_NAMES["supervisor"]))
    browser = Client()
    sign_in(browser, clerk.username)

    assert browser.get(reverse("admin:accounts_insuredperson_changelist")).url.startswith(ENROL)


# --- idle expiry ------------------------------------------------------------------


@pytest.fixture
def signed_in_clerk(client, clerk):
    client.force_login(clerk)
    assert client.get("/admin/").status_code == 200
    return client


def _idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_fifteen_minutes_idle_sign_the_clerk_out(signed_in_clerk, settings):
    assert settings.YIBAO_IDLE_MINUTES == 15
    _idle_for(signed_in_clerk, 16)

    response = signed_in_clerk.get("/admin/accounts/insuredperson/", follow=True)

    assert response.redirect_chain[0][0].startswith(f"{LOGIN}?next=")
    assert "您已 15 分钟未操作，系统已自动退出登录" in response.content.decode()
    assert signed_in_clerk.get("/admin/").url.startswith(LOGIN)


def test_fourteen_minutes_idle_keep_the_session(signed_in_clerk):
    _idle_for(signed_in_clerk, 14)
    assert signed_in_clerk.get("/admin/").status_code == 200


def test_the_session_cookie_ends_with_the_browser(clerk):
    response = sign_in(Client(), clerk.username)
    cookie = response.cookies["sessionid"]
    assert (cookie["expires"], cookie["max-age"]) == ("", "")


# --- password rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Wang19800517x",  # a birthday, 8 digits
        "hall-800517-pw",  # 6 digits, 1980-05-17
        "pw1980-5-17pw",
        "pw2001.12.31pw",
        "生日1985年11月23日ok",
        "my-CLERK1-pass",  # the username, in capitals
    ],
)
def test_passwords_with_a_date_or_the_username_are_refused(password, clerk):
    with pytest.raises(Exception) as refused:
        NoUsernameOrDateValidator().validate(password, clerk)
    assert refused.value.code in ("password_has_date", "password_has_username")


@pytest.mark.parametrize(
    "password", ["pw-test-123", "Qm7-hall-Zt4x", "pw2024-2-30pw", "code-123456-x", "2026-hall"]
)
def test_passwords_without_a_real_date_or_the_username_pass(password, clerk):
    NoUsernameOrDateValidator().validate(password, clerk)  # 2024-02-30 is no day


def test_own_password_change_refuses_a_birthday_with_a_chinese_message(signed_in_clerk):
    response = signed_in_clerk.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Li19800517ab",
            "new_password2": "Li19800517ab",
        },
    )
    assert "密码不能包含日期（如生日）" in response.content.decode()


def test_demo_supervisor_signs_in_with_the_key_load_demo_prints(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    secret = re.search(r"TOTP key of supervisor: ([A-Z2-7]+)", out.getvalue())[1]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    browser = Client()

    sign_in(browser, "supervisor", "demo-supervisor-2026")
    response = browser.post(VERIFY, {"token": totp_code(key), "next": "/admin/"})

    assert response.status_code == 302 and browser.get("/admin/").status_code == 200
