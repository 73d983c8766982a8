"""Issuing a printed document: its serial, its verification code and QR, its facts.

Why a row per print: a hall files paper by number, and a copy shown later at a
counter must be checkable against what the office handed over. Each rendering
of a document (print view or PDF) is one issue with a serial of its own —
year, kind, number in that year and kind (2026QB000001), unique in the database
— and a random code; the QR on the page holds the back office's verify URL of
that code, which shows a signed-in user the facts stored here (never re-read
from today's data, which may have changed since).
"""

import secrets
from dataclasses import dataclass, field

import qrcode
import qrcode.image.svg
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.models import IssuedDocument

# The first key of pg_advisory_xact_lock, this module's; the second is the year.
_LOCK_SPACE = 1302


@dataclass(frozen=True)
class Issue:
    """What a document builder says about the document: its kind, whose it is
    (masked), and the facts to keep as (label, value) pairs, in print order."""

    kind: str
    subject: str
    facts: list[tuple[str, str]] = field(default_factory=list)


def document_issue(*, issue: Issue, operator) -> IssuedDocument:
    """The next serial of the year and kind, under a lock so that two prints at the
    same moment never draw the same number (the unique constraint stands behind it)."""
    year = timezone.localdate().year
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, year])
        last = (
            IssuedDocument.objects.filter(year=year, kind=issue.kind)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        number = (last or 0) + 1
        return IssuedDocument.objects.create(
            serial=f"{year}{issue.kind}{number:06d}",
            kind=issue.kind,
            year=year,
            number=number,
            code=secrets.token_hex(10),
            subject=issue.subject[:200],
            facts=[[str(label), str(value)] for label, value in issue.facts],
            issued_by=operator,
        )


def verify_url(request, document: IssuedDocument) -> str:
    return request.build_absolute_uri(reverse("documents:verify", args=[document.code]))


def qr_svg(data: str) -> str:
    """The QR of ``data`` as inline SVG, drawn here (no image service, no file)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    return mark_safe(image.to_string(encoding="unicode"))
