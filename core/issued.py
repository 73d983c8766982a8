"""Issuing a printed document: its serial, its verification code and QR, its facts.

Why a row per print: a hall files paper by number, and a copy shown later at a
counter must be checkable against what the office handed over. Each rendering
of a document (print view or PDF) is one issue with a serial of its own —
year, kind, number in that year and kind (2026QB000001), unique in the database
— and a random code; the QR on the page holds the back office's verify URL of
that code, which shows a signed-in user the facts stored here (never re-read
from today's data, which may have changed since).
"""

import json
import secrets
from dataclasses import dataclass, field

import qrcode
import qrcode.image.svg
from django.db import connection
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
    same moment never draw the same number (the unique constraint stands behind it).

    One round trip: the lock and the insert go as one two-statement string, which
    PostgreSQL runs as one transaction (implicit, or the caller's), each statement
    with its own snapshot, so the insert reads the last number after the lock is
    held. A statement page's budget of queries is small (issue 12: ≤ 12).
    """
    year = timezone.localdate().year
    document = IssuedDocument(
        kind=issue.kind,
        year=year,
        code=secrets.token_hex(10),
        subject=issue.subject[:200],
        facts=[[str(label), str(value)] for label, value in issue.facts],
        issued_at=timezone.now(),
        issued_by=operator,
    )
    params = {
        "space": _LOCK_SPACE,
        "year": year,
        "kind": issue.kind,
        "code": document.code,
        "subject": document.subject,
        "facts": json.dumps(document.facts, ensure_ascii=False),
        "at": document.issued_at,
        "by": operator.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ISSUE_SQL.format(table=IssuedDocument._meta.db_table), params)
        cursor.nextset()
        document.pk, document.number, document.serial = cursor.fetchone()
    document._state.adding = False
    return document


_ISSUE_SQL = """
SELECT pg_advisory_xact_lock(%(space)s, %(year)s);
INSERT INTO {table} (serial, kind, year, number, code, subject, facts, issued_at, issued_by_id)
SELECT %(year)s::text || %(kind)s || lpad(next.number::text, 6, '0'), %(kind)s, %(year)s,
       next.number, %(code)s, %(subject)s, %(facts)s::jsonb, %(at)s, %(by)s
FROM (SELECT COALESCE(MAX(number), 0) + 1 AS number FROM {table}
      WHERE year = %(year)s AND kind = %(kind)s) AS next
RETURNING id, number, serial
"""


def verify_url(request, document: IssuedDocument) -> str:
    return request.build_absolute_uri(reverse("documents:verify", args=[document.code]))


def _qr(data: str) -> qrcode.QRCode:
    """The one QR code of ``data``: the print view draws it as SVG, the PDF writer as
    rectangles (``qr_matrix``)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """The QR of ``data`` as inline SVG, drawn here (no image service, no file)."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(image.to_string(encoding="unicode"))


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the QR of ``data``, rows from the top, with its quiet zone."""
    return _qr(data).get_matrix()
