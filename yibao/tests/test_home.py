"""The home page's queues and search, the ID lookup of the counter forms, and the
counter pages opened pre-filled from a person's page (issue 13)."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AgreementStatus, InsuredPerson, Scheme, SharingAgreement
from accounts.services.agreements import agreement_reject
from accounts.tests.factories import credit, make_agreement, make_person, make_user
from core.idnumbers import compose_id_number
from core.masking import mask_id_number
from transfers.models import WalletTransfer
from transfers.tests.factories import receive

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin:search")
LOOKUP = reverse("admin:accounts_insuredperson_lookup")


def _person_url(person):
    return reverse("admin:accounts_insuredperson_change", args=[person.pk])


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def test_oracle_search_goes_straight_to_the_one_match(clerk_client, li_ming, li_xiaoming):
    """李明 320500…, account 3205…: each way a clerk types him finds only him."""
    for term in (
        li_ming.id_number,
        li_ming.id_number.lower(),
        f"{li_ming.id_number[-4:]}李明",
        f"李明 {li_ming.id_number[-4:]}",
        li_ming.account.number,
    ):
        response = clerk_client.post(SEARCH, {"q": term})
        assert response.status_code == 302, term
        assert response["Location"] == _person_url(li_ming), term


def test_search_lists_several_matches_and_says_when_nothing_is_found(
    clerk_client, li_ming, li_xiaoming
):
    listed = clerk_client.post(SEARCH, {"q": "李"}).content.decode()
    assert listed.count("参保人</td>") == 2 and "李小明" in listed
    assert li_ming.id_number not in listed  # masked: 320500********…
    wrong_last_four = "0000" if li_ming.id_number[-4:] != "0000" else "1111"
    nothing = clerk_client.post(SEARCH, {"q": f"{wrong_last_four}李明"}).content.decode()
    assert "未找到" in nothing


def test_search_finds_a_payment_by_settlement_id_and_an_agreement_by_number(
    clerk_client, clerk, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming)
    credit(li_ming.account, "100.00")
    payment = receive(li_ming, li_xiaoming, "50.00", operator=clerk, sid="JS20250301000009")
    found = clerk_client.post(SEARCH, {"q": "JS20250301000009"})
    assert found["Location"] == reverse("admin:transfers_sharingpayment_change", args=[payment.pk])
    # A number is an account number or an agreement's 编号: both are looked at.
    by_number = clerk_client.post(SEARCH, {"q": str(agreement.pk)})
    assert by_number["Location"] == reverse(
        "admin:accounts_sharingagreement_change", args=[agreement.pk]
    )


def test_the_home_page_shows_each_role_its_own_queues(client, li_ming, li_xiaoming, clerk):
    wife = make_person(name="王芳", birth=dt.date(1982, 4, 2), gender="F", operator=clerk)
    make_agreement(li_ming, li_xiaoming, operator=clerk)
    make_agreement(li_ming, wife, operator=clerk, relationship="spouse")
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "待复核共济关系" in page
    assert client.get(reverse("admin:index")).context["queues"][0].value == 2  # two by hand
    shortcuts = client.get(reverse("admin:index")).context["shortcuts"]
    assert [t.label for t in shortcuts] == ["打印对账单"]  # no counter tasks for a reviewer

    client.force_login(clerk)
    page = client.get(reverse("admin:index")).content.decode()
    assert "待复核共济关系" not in page and "登记参保人" in page


def test_the_queues_today_and_search_count_only_the_users_scope(
    client, li_ming, li_xiaoming, clerk
):
    """Two agreements of 苏州市 wait and one person was registered there today: a
    reviewer of 南阳市 (河南省) counts none of them and finds none of them."""
    wife = make_person(name="王芳", birth=dt.date(1982, 4, 2), gender="F", operator=clerk)
    make_agreement(li_ming, li_xiaoming, operator=clerk)
    make_agreement(li_ming, wife, operator=clerk, relationship="spouse")
    client.force_login(make_user("reviewer", region="411300"))
    home = client.get(reverse("admin:index")).context
    assert home["queues"][0].label == "待复核共济关系" and home["queues"][0].value == 0
    registered = next(t for t in home["today"] if t.label == "今日登记参保人")
    assert registered.value == 0
    found = client.post(SEARCH, {"q": li_ming.id_number}).content.decode()
    assert "李明" not in found

    client.force_login(make_user("reviewer"))  # 苏州市's reviewer: the same figures, by hand
    home = client.get(reverse("admin:index")).context
    assert home["queues"][0].value == 2
    assert next(t for t in home["today"] if t.label == "今日登记参保人").value == 3


def test_a_rejected_agreement_is_corrected_from_its_page_and_leaves_the_queue(
    clerk_client, clerk, li_ming, li_xiaoming
):
    rejected = make_agreement(li_ming, li_xiaoming, operator=clerk)
    agreement_reject(agreement=rejected, operator=make_user("reviewer"), reason="缺证明材料编号")
    home = clerk_client.get(reverse("admin:index"))
    to_correct = next(t for t in home.context["queues"] if t.label == "我被驳回待更正的共济关系")
    assert to_correct.value == 1

    page = clerk_client.get(reverse("admin:accounts_sharingagreement_change", args=[rejected.pk]))
    again = page.context["again_url"]
    form = clerk_client.get(again).content.decode()
    assert li_xiaoming.masked_id_number in form and li_xiaoming.id_number not in form
    response = clerk_client.post(
        again,
        {
            "b-TOTAL_FORMS": "1",
            "b-INITIAL_FORMS": "1",
            "b-0-beneficiary_id_number": li_xiaoming.masked_id_number,  # as the form shows it
            "b-0-relationship": "child",
            "b-0-evidence_type": "household_register",
            "b-0-evidence_number": "HK-2026-0001",
            "b-0-effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 302, [f.errors for f in response.context["formset"]]
    again_registered = SharingAgreement.objects.exclude(pk=rejected.pk).get()
    assert again_registered.beneficiary == li_xiaoming
    assert again_registered.status == AgreementStatus.PENDING
    assert again_registered.evidence_number == "HK-2026-0001"
    home = clerk_client.get(reverse("admin:index"))
    assert next(t for t in home.context["queues"] if t.label == to_correct.label).value == 0


def test_the_lookup_tells_whose_number_and_stops_a_resident_grantor(clerk_client, li_xiaoming):
    answer = clerk_client.post(LOOKUP, {"id_number": li_xiaoming.id_number, "role": "grantor"})
    data = answer.json()
    assert data["found"] and data["text"].startswith(f"李小明 · {li_xiaoming.masked_id_number}")
    assert li_xiaoming.id_number not in answer.content.decode()
    assert data["refusal"] == (
        "李小明 不能作为共济人：只有参加职工基本医疗保险（310）并有个人账户的参保人才能共济。"
    )
    beneficiary = clerk_client.post(LOOKUP, {"id_number": li_xiaoming.id_number}).json()
    assert beneficiary["refusal"] == ""
    number = compose_id_number("110101", dt.date(1990, 3, 7), 1)
    unknown = clerk_client.post(LOOKUP, {"id_number": number}).json()
    assert not unknown["found"]
    assert unknown["text"] == f"未登记公民身份号码为 {mask_id_number(number)} 的参保人。"
    assert clerk_client.get(LOOKUP).status_code == 405  # never a number in the address


def test_the_lookup_of_a_person_out_of_scope_shows_only_the_masked_name(clerk_client):
    """苏州市's clerk types the number of 王芳 of 南阳市 (河南省): whose it is, masked."""
    wang_fang = make_person(name="王芳", region="411300", operator=None)
    data = clerk_client.post(LOOKUP, {"id_number": wang_fang.id_number}).json()
    assert (
        data["text"] == f"王* · {wang_fang.masked_id_number} · 南阳市（411300） · 职工基本医疗保险"
    )
    assert wang_fang.account.number not in data["text"]


def test_the_lookup_is_only_for_those_who_may_view_persons(client, li_ming):
    client.force_login(make_user(None))  # staff without a role
    response = client.post(LOOKUP, {"id_number": li_ming.id_number})
    assert response.status_code in (302, 403)
    assert "李明" not in response.content.decode()


def test_the_transfer_opened_from_the_person_page_is_made_for_that_person(
    clerk_client, li_ming, li_xiaoming, no_quiet_hours
):
    make_agreement(li_ming, li_xiaoming)
    url = reverse("admin:transfers_wallettransfer_add") + f"?sender={li_ming.pk}"
    form = clerk_client.get(url)
    shown = form.content.decode()
    assert f'value="{li_ming.masked_id_number}"' in shown and li_ming.id_number not in shown
    number = form.context["form"]["transfer_number"].value()
    response = clerk_client.post(
        url,
        {
            "transfer_number": number,
            "sender_id_number": li_ming.masked_id_number,
            "recipient_id_number": li_xiaoming.id_number,
            "amount": "100.00",
        },
    )
    assert response.status_code == 302
    assert WalletTransfer.objects.get().sender == li_ming


def test_a_masked_number_never_offered_is_refused(clerk_client, li_ming, li_xiaoming):
    make_agreement(li_ming, li_xiaoming)
    response = clerk_client.post(
        reverse("admin:transfers_wallettransfer_add"),
        {
            "transfer_number": "CT-TEST-1",
            "sender_id_number": li_ming.masked_id_number,  # typed, not offered by a page
            "recipient_id_number": li_xiaoming.id_number,
            "amount": "100.00",
        },
    )
    assert response.status_code == 200
    assert not WalletTransfer.objects.exists()


def test_after_registering_the_clerk_is_on_the_persons_page(clerk_client, li_ming):
    response = clerk_client.post(
        reverse("admin:accounts_insuredperson_add"),
        {
            "name": "周杰",
            "id_number": compose_id_number("320500", dt.date(1990, 2, 3), 11),
            "scheme": Scheme.EMPLOYEE,
            "status": "active",
            "region": li_ming.region.pk,
            "enrolled_on": "2020-01-01",
            "_save": "1",
        },
    )
    person = InsuredPerson.objects.get(name="周杰")
    assert response.status_code == 302
    assert response["Location"] == _person_url(person)


def test_oracle_permissions_and_staff_read_in_chinese():
    """Django stores "Can view insured person"; the screen reads 参保人 | 查看."""
    permission = Permission.objects.get(codename="view_insuredperson")
    assert str(permission) == "参保人 | 查看"
    review = Permission.objects.get(codename="review_sharingagreement")
    assert str(review).startswith("共济关系 | ") and "Can" not in str(review)
    assert str(make_user("clerk", first_name="明", last_name="李")) == "李明"
    assert str(make_user("clerk", username="nameless")) == "nameless"


def test_the_header_shows_the_users_hall_and_name(client, li_ming):
    from accounts.models import ServiceHall, StaffPlacement

    user = make_user("clerk", first_name="小红", last_name="王")
    hall = ServiceHall.objects.create(code="SZ01", name="苏州市医保服务大厅", region=li_ming.region)
    StaffPlacement.objects.update_or_create(user=user, defaults={"hall": hall})
    client.force_login(user)
    page = client.get(reverse("admin:index")).content.decode()
    assert '<div id="staff-hall">苏州市医保服务大厅</div>' in page
    assert "<strong>王小红</strong>" in page


def test_error_pages_carry_the_products_title_not_djangos(client, clerk):
    client.force_login(clerk)
    page = client.get("/admin/no-such-page/", follow=True).content.decode()
    assert "医保个人账户家庭共济经办系统" in page and "Django" not in page


def test_oracle_the_date_pickers_weekday_letters_are_chinese(client, clerk):
    """Sunday first, as Django's calendar asks: 日 一 二 三 四 五 六."""
    client.force_login(clerk)
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    for day, initial, letter in [
        ("Sunday", "S", "日"),
        ("Monday", "M", "一"),
        ("Saturday", "S", "六"),
    ]:
        entry = json.dumps({f"one letter {day}\x04{initial}": letter})[1:-1]  # as Django writes it
        assert entry in catalogue


def test_the_menu_follows_a_permission_granted(client):
    """The app list is kept per process (``YibaoAdminSite.get_app_list``): a user
    given a permission sees its page in the menu on the next request."""
    user = make_user(None, hall=False)
    client.force_login(user)
    assert 'href="/admin/accounts/province/"' not in client.get("/admin/").content.decode()
    user.user_permissions.add(Permission.objects.get(codename="view_province"))
    home = client.get("/admin/").content.decode()
    assert 'href="/admin/accounts/province/">省份</a>' in home
