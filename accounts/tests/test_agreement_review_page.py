"""A pending agreement's page as a reviewer sees it: both parties masked, what is
claimed, the evidence with its scan shown; the same buttons as every review."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AgreementStatus
from accounts.tests.factories import make_agreement, make_person
from core.models import ReviewComment


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_reviewer_sees_the_evidence_and_its_scan_then_goes_on(
    client, clerk, reviewer, li_ming, li_xiaoming, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    son = make_agreement(
        li_ming,
        li_xiaoming,
        operator=clerk,
        evidence_number="户口簿 0001",
        evidence_scan=SimpleUploadedFile("scan.png", _png()),
    )
    wife = make_agreement(li_ming, make_person(name="王芳"), operator=clerk, relationship="spouse")
    client.force_login(reviewer)

    page = client.get(reverse("admin:accounts_sharingagreement_change", args=[son.pk]))
    html = page.content.decode()
    facts = html[html.index('class="review-facts"') :]
    facts = facts[: facts.index("</div>")]
    scan = reverse("admin:accounts_sharingagreement_evidence", args=[son.pk])
    assert f'src="{scan}?inline=1"' in facts and "户口簿 0001" in facts
    assert "<td>李*</td>" in facts and "<td>李**</td>" in facts and "<td>子女</td>" in facts
    assert li_ming.id_number not in facts
    shown = client.get(scan, {"inline": "1"})
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")

    approve = reverse("admin:accounts_sharingagreement_approve", args=[son.pk])
    done = client.post(approve, {"comment": "户口簿原件已核"})
    # On to the next in the queue: the wife's agreement, entered by the same clerk.
    assert done["Location"] == reverse("admin:accounts_sharingagreement_change", args=[wife.pk])
    assert AgreementStatus(son.__class__.objects.get(pk=son.pk).status) == "approved"
    assert ReviewComment.objects.get().comment == "户口簿原件已核"
    assert (
        "我已核对金额"
        not in client.get(
            reverse("admin:accounts_sharingagreement_approve", args=[wife.pk])
        ).content.decode()
    )  # no money moves when an agreement is approved
