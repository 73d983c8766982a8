"""The counter flow, the review queue, the lists and the printed form, through the test client."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AgreementStatus,
    EndReason,
    ProvincePolicy,
    Scheme,
    SharingAgreement,
)
from accounts.services.regions import policy_update
from accounts.tests.factories import make_agreement, make_person, make_user, person_form
from core.models import DisclosureLog
from core.tests.pdfs import pdf_text

COUNTER = "admin:accounts_sharingagreement_counter"
QUEUE = "admin:accounts_pendingsharingagreement_changelist"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def daughter(db, clerk):
    return make_person(
        name="李晓", scheme=Scheme.RESIDENT, birth=dt.date(2012, 6, 1), gender="F", operator=clerk
    )


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def beneficiary_rows(*rows):
    """The counter's formset data: three rows, the given ones filled, the rest left blank."""
    today = timezone.localdate().isoformat()
    data = {
        "b-TOTAL_FORMS": "3",
        "b-INITIAL_FORMS": "0",
        "b-MIN_NUM_FORMS": "0",
        "b-MAX_NUM_FORMS": "10",
    }
    for i in range(3):
        row = rows[i] if i < len(rows) else {}
        data.update(
            {
                f"b-{i}-beneficiary_id_number": row.get("id_number", ""),
                f"b-{i}-relationship": row.get("relationship", ""),
                f"b-{i}-evidence_type": row.get("evidence_type", "household_register"),
                f"b-{i}-evidence_number": row.get("evidence_number", ""),
                f"b-{i}-effective_from": row.get("effective_from", today),
            }
        )
        if "scan" in row:
            data[f"b-{i}-evidence_scan"] = row["scan"]
    return data


def post_counter(client, grantor, *rows):
    url = reverse("admin:accounts_sharingagreement_counter_grantor", args=[grantor.pk])
    return client.post(url, beneficiary_rows(*rows))


def test_clerk_looks_up_the_grantor_by_card_reader_input_and_sees_the_account(
    clerk_client, li_ming, li_xiaoming, clerk, reviewer
):
    make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    response = clerk_client.post(reverse(COUNTER), {"id_number": li_ming.id_number.lower()})
    assert response.status_code == 302
    assert li_ming.id_number not in response["Location"]
    page = clerk_client.get(response["Location"]).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page  # what a date input reads
    assert li_ming.account.number in page
    assert "500.00" in page
    assert li_xiaoming.masked_id_number in page
    assert li_ming.id_number not in page and li_xiaoming.id_number not in page


def test_lookup_of_an_unregistered_number_is_shown_next_to_the_field(clerk_client, li_ming):
    wrong = li_ming.id_number[:17] + ("0" if li_ming.id_number[17] != "0" else "1")
    response = clerk_client.post(reverse(COUNTER), {"id_number": wrong})
    assert response.status_code == 200
    assert response.context["lookup"].errors["id_number"]


def test_counter_registers_several_beneficiaries_at_once(
    clerk_client, li_ming, li_xiaoming, daughter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = post_counter(
        clerk_client,
        li_ming,
        {
            "id_number": li_xiaoming.id_number,
            "relationship": "child",
            "evidence_number": "户001",
        },
        {
            "id_number": daughter.id_number,
            "relationship": "child",
            "evidence_type": "birth_certificate",
            "scan": SimpleUploadedFile("出生证.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.context["formset"].errors
    agreements = SharingAgreement.objects.filter(grantor=li_ming).order_by("pk")
    assert [a.beneficiary for a in agreements] == [li_xiaoming, daughter]
    assert {a.status for a in agreements} == {AgreementStatus.PENDING}
    assert agreements[1].evidence_scan.name.endswith(".pdf")


def test_one_refused_beneficiary_writes_none_and_the_reason_sits_at_the_field(
    clerk_client, li_ming, li_xiaoming, clerk, supervisor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    policy_update(
        policy=ProvincePolicy.objects.get(province_id="32"),
        extension_since=None,
        operator=supervisor,
    )
    grandmother = make_person(
        name="王秀英", scheme=Scheme.RESIDENT, birth=dt.date(1930, 1, 1), gender="F", operator=clerk
    )
    response = post_counter(
        clerk_client,
        li_ming,
        {
            "id_number": li_xiaoming.id_number,
            "relationship": "child",
            "scan": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n0000", "image/png"),
        },
        {"id_number": grandmother.id_number, "relationship": "maternal_grandparent"},
    )
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert not forms[0].errors
    assert "江苏省" in str(forms[1].errors["relationship"])
    assert "外祖父母" in str(forms[1].errors["relationship"])
    assert not SharingAgreement.objects.exists()
    assert not list(tmp_path.rglob("*.png"))


def test_grantor_refusal_is_shown_in_the_grantor_panel(clerk_client, clerk, li_xiaoming):
    mother = make_person(
        name="张梅", scheme=Scheme.RESIDENT, birth=dt.date(1960, 1, 1), gender="F", operator=clerk
    )
    response = post_counter(
        clerk_client, mother, {"id_number": li_xiaoming.id_number, "relationship": "child"}
    )
    assert "张梅" in response.context["grantor_errors"][0]
    assert not SharingAgreement.objects.exists()


def test_reviewer_cannot_use_the_counter(client, reviewer, li_ming):
    client.force_login(reviewer)
    assert client.get(reverse(COUNTER)).status_code == 404


def test_review_queue_shows_pending_only_and_approves_in_bulk(
    client, reviewer, clerk, li_ming, li_xiaoming, daughter
):
    pending = make_agreement(li_ming, li_xiaoming, operator=clerk)
    approved = make_agreement(li_ming, daughter, operator=clerk, reviewer=reviewer)
    client.force_login(reviewer)
    queue = client.get(reverse(QUEUE))
    assert list(queue.context["cl"].result_list) == [pending]
    response = client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [pending.pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (AgreementStatus.APPROVED, reviewer)
    assert approved.status == AgreementStatus.APPROVED


def test_review_queue_counts_only_the_users_regions_in_all_and_by_scope(
    client, reviewer, clerk, li_ming, li_xiaoming
):
    make_agreement(li_ming, li_xiaoming, operator=clerk)
    nanjing = make_user("clerk", region="320100")
    father = make_person(name="王强", region="320100", operator=nanjing)
    son = make_person(name="王小强", region="320100", birth=dt.date(2010, 3, 1), operator=nanjing)
    make_agreement(father, son, operator=nanjing)
    client.force_login(reviewer)  # 苏州: one of the two pending agreements
    queue = client.get(reverse(QUEUE))
    assert queue.context["cl"].result_count == 1
    # same region, cross-region in the province, cross-province
    assert [n for _, n in queue.context["scope_counts"]] == [1, 0, 0]


def test_bulk_approval_of_ones_own_entry_is_refused(client, reviewer, li_ming, li_xiaoming):
    own = make_agreement(li_ming, li_xiaoming, operator=reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse(QUEUE), {"action": "approve", "_selected_action": [own.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "李明 → 李小明（子女）: 这是您本人录入的业务，须由其他复核人员处理。"
    ]
    own.refresh_from_db()
    assert own.status == AgreementStatus.PENDING


def test_queue_decides_row_by_row_and_names_what_was_approved_and_refused(
    client, reviewer, clerk, li_ming, li_xiaoming, daughter
):
    """One refused row (the reviewer's own entry) leaves the other approved, as in the
    payment and reversal queues; the messages name both."""
    theirs = make_agreement(li_ming, li_xiaoming, operator=clerk)
    own = make_agreement(li_ming, daughter, operator=reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse(QUEUE),
        {"action": "approve", "_selected_action": [theirs.pk, own.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "李明 → 李晓（子女）: 这是您本人录入的业务，须由其他复核人员处理。",
        "已通过 1 条：李明 → 李小明（子女）。",
    ]
    theirs.refresh_from_db()
    own.refresh_from_db()
    assert (theirs.status, own.status) == (AgreementStatus.APPROVED, AgreementStatus.PENDING)


def test_bulk_rejection_asks_for_the_reason_first(client, reviewer, clerk, li_ming, li_xiaoming):
    pending = make_agreement(li_ming, li_xiaoming, operator=clerk)
    client.force_login(reviewer)
    asked = client.post(reverse(QUEUE), {"action": "reject", "_selected_action": [pending.pk]})
    assert asked.status_code == 200
    assert "reason" in asked.context["form"].fields
    client.post(
        reverse(QUEUE),
        {
            "action": "reject",
            "_selected_action": [pending.pk],
            "apply": "1",
            "reason": "证明材料与关系不符",
        },
    )
    pending.refresh_from_db()
    assert (pending.status, pending.review_note) == (AgreementStatus.REJECTED, "证明材料与关系不符")


def test_clerk_has_no_approve_action(clerk_client, clerk, li_ming, li_xiaoming):
    pending = make_agreement(li_ming, li_xiaoming, operator=clerk)
    response = clerk_client.get(reverse(QUEUE))
    assert response.context["action_form"] is None  # no review action offered
    clerk_client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == AgreementStatus.PENDING


def test_list_finds_either_party_by_exact_id_number_masks_and_counts_by_scope(
    client, auditor, clerk, li_ming, li_xiaoming
):
    make_agreement(li_ming, li_xiaoming, operator=clerk)
    wife = make_person(
        name="陈静", region="320100", scheme=Scheme.RESIDENT, gender="F", operator=None
    )
    make_agreement(li_ming, wife, operator=clerk, relationship="spouse")
    client.force_login(auditor)
    url = reverse("admin:accounts_sharingagreement_changelist")
    everything = client.get(url)
    # same region, cross-region in the province, cross-province
    assert [n for _, n in everything.context["scope_counts"]] == [1, 1, 0]
    page = everything.content.decode()
    assert li_xiaoming.masked_id_number in page and li_xiaoming.id_number not in page
    assert client.get(url, {"q": li_xiaoming.id_number}).context["cl"].result_count == 1
    assert client.get(url, {"q": "陈静"}).context["cl"].result_count == 1
    assert client.get(url, {"scope__exact": "cross_region"}).context["cl"].result_count == 1
    today = timezone.localdate().isoformat()
    by_date = client.get(url, {"created_at__from": today, "created_at__to": today})
    assert by_date.context["cl"].result_count == 2


def test_person_page_shows_agreements_as_grantor_and_as_beneficiary(
    clerk_client, clerk, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk)
    father_page = clerk_client.get(
        reverse("admin:accounts_insuredperson_change", args=[li_ming.pk])
    ).content.decode()
    assert li_xiaoming.masked_id_number in father_page
    link = reverse("admin:accounts_sharingagreement_change", args=[agreement.pk])
    assert link in father_page
    son_page = clerk_client.get(
        reverse("admin:accounts_insuredperson_change", args=[li_xiaoming.pk])
    ).content.decode()
    assert li_ming.masked_id_number in son_page and link in son_page


def test_clerk_ends_an_agreement_on_request(clerk_client, clerk, reviewer, li_ming, li_xiaoming):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    url = reverse("admin:accounts_sharingagreement_end", args=[agreement.pk])
    refused = clerk_client.post(url, {"requested_by": "grantor_request", "reason": ""})
    assert refused.context["form"].errors["reason"]
    clerk_client.post(
        url,
        {"requested_by": "grantor_request", "reason": "本人申请解除"},
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason, agreement.ended_by) == (
        AgreementStatus.ENDED,
        EndReason.GRANTOR_REQUEST,
        clerk,
    )


def test_confirmation_form_prints_masked_ids_and_the_undertaking(
    clerk_client, clerk, li_ming, li_xiaoming, settings
):
    settings.YIBAO_HALL_NAME = "苏州市医疗保障服务大厅"
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk)
    page = clerk_client.get(
        reverse("admin:accounts_sharingagreement_print", args=[agreement.pk])
    ).content.decode()
    assert "苏州市医疗保障服务大厅" in page
    assert li_ming.masked_id_number in page and li_xiaoming.masked_id_number in page
    assert li_ming.id_number not in page and li_xiaoming.id_number not in page
    assert "the card cannot" in page or "卡不能共用" in page
    assert "@page" in page and "A4" in page
    assert "李小明" in page


def test_confirmation_form_downloads_as_a_pdf_with_the_chinese_text(
    clerk_client, clerk, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk)
    url = reverse("admin:accounts_sharingagreement_print", args=[agreement.pk])
    response = clerk_client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "李小明" in text and li_xiaoming.masked_id_number in text
    assert "同一统筹区" in text


def test_evidence_scan_is_downloaded_only_with_permission_and_recorded(
    client, clerk, li_ming, li_xiaoming, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    agreement = make_agreement(
        li_ming, li_xiaoming, operator=clerk, evidence_scan=SimpleUploadedFile("x.pdf", PDF)
    )
    url = reverse("admin:accounts_sharingagreement_evidence", args=[agreement.pk])
    client.force_login(make_user(None))  # staff, no permission
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert DisclosureLog.objects.filter(user=clerk, subject__contains=str(agreement.pk)).exists()


def test_agreements_export_masks_id_numbers_and_has_the_import_columns(
    client, auditor, clerk, li_ming, li_xiaoming
):
    make_agreement(li_ming, li_xiaoming, operator=clerk)
    client.force_login(auditor)
    url = reverse("admin:accounts_sharingagreement_export", args=["csv"])
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.startswith("共济人身份号码,被共济人身份号码,关系,证明材料类型")
    assert li_ming.masked_id_number in row and li_ming.id_number not in row


def test_demo_data_has_an_approved_and_a_pending_agreement_and_runs_twice(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    statuses = sorted(SharingAgreement.objects.values_list("status", flat=True))
    assert statuses == [AgreementStatus.APPROVED, AgreementStatus.PENDING]


def test_status_changed_on_the_person_form_ends_the_agreements(
    clerk_client, clerk, reviewer, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    response = clerk_client.post(
        reverse("admin:accounts_insuredperson_change", args=[li_xiaoming.pk]),
        person_form(li_xiaoming, status="terminated"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason) == (
        AgreementStatus.ENDED,
        EndReason.ENROLMENT_STOPPED,
    )


def test_agreement_page_offers_print_to_all_and_ending_to_the_clerk(
    client, clerk, reviewer, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    url = reverse("admin:accounts_sharingagreement_change", args=[agreement.pk])
    print_url = reverse("admin:accounts_sharingagreement_print", args=[agreement.pk])
    end_url = reverse("admin:accounts_sharingagreement_end", args=[agreement.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert print_url in page and end_url in page
    assert li_xiaoming.id_number not in page
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert print_url in page and end_url not in page
    assert (
        client.post(end_url, {"requested_by": "grantor_request", "reason": "x"}).status_code == 404
    )


def test_agreement_page_approves_and_rejects_with_a_reason_or_cancels(
    client, reviewer, clerk, li_ming, li_xiaoming, daughter
):
    """The buttons on a pending agreement's page call the same services as the queue."""
    son = make_agreement(li_ming, li_xiaoming, operator=clerk)
    page = reverse("admin:accounts_sharingagreement_change", args=[son.pk])
    approve = reverse("admin:accounts_sharingagreement_approve", args=[son.pk])
    reject = reverse("admin:accounts_sharingagreement_reject", args=[son.pk])
    client.force_login(clerk)
    assert approve not in client.get(page).content.decode()  # a clerk does not review
    assert client.post(approve).status_code == 404
    client.force_login(reviewer)
    shown = client.get(page).content.decode()
    assert f'href="{approve}">通过<' in shown and f'href="{reject}">驳回<' in shown
    asked = client.get(reject).content.decode()
    assert "原因" in asked and f'href="{page}" class="button cancel-link">取消<' in asked
    done = client.post(reject, {"reason": "证明材料不清晰"}, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        "已驳回 1 条：李明 → 李小明（子女）。",
        "此队列中已没有待您复核的记录。",
    ]
    son.refresh_from_db()
    assert (son.status, son.review_note) == (AgreementStatus.REJECTED, "证明材料不清晰")
    assert approve not in client.get(page).content.decode()  # decided: no buttons

    own = make_agreement(li_ming, daughter, operator=reviewer)
    refused = client.post(reverse("admin:accounts_sharingagreement_approve", args=[own.pk]))
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "这是您本人录入的业务，须由其他复核人员处理。"
    ]
    own.refresh_from_db()
    assert own.status == AgreementStatus.PENDING
