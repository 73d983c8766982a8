"""Account status as a state machine: open ⇄ frozen, either → closed, nothing after."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from accounts.errors import (
    AccountCloseNotEmpty,
    AccountCloseWithAgreements,
    AccountTransitionNotAllowed,
    StatusChangeNeedsReason,
)
from accounts.models import AccountStatus, PersonalAccount
from accounts.services.accounts import account_close, account_freeze, account_unfreeze
from accounts.tests.factories import make_agreement, make_person

pytestmark = pytest.mark.django_db


def test_freeze_unfreeze_close_record_reason_and_operator(clerk):
    account = make_person(name="王芳", operator=clerk).account
    assert account.opened_by == clerk
    account = account_freeze(account=account, reason="法院冻结", operator=clerk)
    assert (account.status, account.status_reason) == (AccountStatus.FROZEN, "法院冻结")
    account = account_unfreeze(account=account, reason="解除冻结通知", operator=clerk)
    assert account.status == AccountStatus.OPEN
    account = account_close(account=account, reason="本人申请销户", operator=clerk)
    account.refresh_from_db()
    assert (account.status, account.status_reason) == (AccountStatus.CLOSED, "本人申请销户")
    assert account.status_changed_by == clerk


def test_a_frozen_account_can_be_closed(clerk):
    account = make_person(name="王芳", operator=clerk).account
    account = account_freeze(account=account, reason="法院冻结", operator=clerk)
    assert account_close(account=account, reason="死亡销户", operator=clerk).status == "closed"


@pytest.mark.parametrize(
    ("start", "service", "message"),
    [
        ("open", account_unfreeze, "账户 {} 当前为正常状态，不能变更为正常。"),
        ("frozen", account_freeze, "账户 {} 当前为冻结状态，不能变更为冻结。"),
        ("closed", account_unfreeze, "账户 {} 当前为注销状态，不能变更为正常。"),
        ("closed", account_freeze, "账户 {} 当前为注销状态，不能变更为冻结。"),
        ("closed", account_close, "账户 {} 当前为注销状态，不能变更为注销。"),
    ],
)
def test_transitions_outside_the_table_are_refused(clerk, start, service, message):
    account = make_person(name="王芳", operator=clerk).account
    if start != "open":
        account_freeze(account=account, reason="法院冻结", operator=clerk)
    if start == "closed":
        account_close(account=account, reason="销户", operator=clerk)
    with pytest.raises(AccountTransitionNotAllowed) as refused:
        service(account=account, reason="再试", operator=clerk)
    assert str(refused.value) == message.format(account.number)
    assert PersonalAccount.objects.get(pk=account.pk).status == start


def test_every_change_needs_a_reason(clerk):
    account = make_person(name="王芳", operator=clerk).account
    with pytest.raises(StatusChangeNeedsReason) as refused:
        account_freeze(account=account, reason="  ", operator=clerk)
    assert str(refused.value) == "变更账户状态必须填写原因。"


def test_closing_needs_a_zero_balance(clerk, li_ming):
    with pytest.raises(AccountCloseNotEmpty) as refused:
        account_close(account=li_ming.account, reason="销户", operator=clerk)
    assert str(refused.value) == (
        f"账户 {li_ming.account.number} 尚有余额 500.00，只有余额为零的账户才能销户。"
    )
    assert PersonalAccount.objects.get(pk=li_ming.account.pk).status == AccountStatus.OPEN


def test_closing_needs_no_live_agreement_as_grantor(clerk, li_xiaoming):
    grantor = make_person(name="李强", operator=clerk)
    make_agreement(grantor, li_xiaoming, operator=clerk)  # pending counts as live
    with pytest.raises(AccountCloseWithAgreements) as refused:
        account_close(account=grantor.account, reason="销户", operator=clerk)
    assert "请先终止共济关系再销户" in str(refused.value)


def test_database_refuses_a_status_other_than_open_without_reason(clerk):
    account = make_person(name="王芳", operator=clerk).account
    with pytest.raises(IntegrityError):
        PersonalAccount.objects.filter(pk=account.pk).update(status="closed", status_reason="")


def test_admin_offers_only_allowed_changes_and_shows_refusals(client, clerk, li_ming):
    client.force_login(clerk)
    account = li_ming.account
    page = client.get(reverse("admin:accounts_personalaccount_change", args=[account.pk]))
    assert "冻结账户" in page.content.decode() and "销户" in page.content.decode()
    assert "解冻账户" not in page.content.decode()
    close = reverse("admin:accounts_personalaccount_status", args=[account.pk, "close"])
    refused = client.post(close, {"reason": "销户"})
    assert "只有余额为零的账户才能销户" in refused.content.decode()
    unfreeze = reverse("admin:accounts_personalaccount_status", args=[account.pk, "unfreeze"])
    refused = client.post(unfreeze, {"reason": "解冻"})
    assert "不能变更为正常" in refused.content.decode()
    account.refresh_from_db()
    assert account.status == AccountStatus.OPEN


def test_admin_closes_an_empty_account_and_then_offers_nothing(client, clerk):
    client.force_login(clerk)
    account = make_person(name="王芳", operator=clerk).account
    close = reverse("admin:accounts_personalaccount_status", args=[account.pk, "close"])
    assert client.post(close, {"reason": "本人申请销户"}).status_code == 302
    page = client.get(reverse("admin:accounts_personalaccount_change", args=[account.pk]))
    assert "/status/" not in page.content.decode()
    account.refresh_from_db()
    assert (account.status, account.status_changed_by) == (AccountStatus.CLOSED, clerk)
