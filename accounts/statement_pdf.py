"""The account statement's PDF, drawn by ``core.pdf`` from the print view's context.

Why not WeasyPrint: a year of 2,000 lines took it about a minute (docs/BENCHMARKS.md).
The content is that of ``accounts/print/statement.html`` under
``print/base.html``, from the same ``StatementLine``s (``ledger_statement``) and
the same labels: the page header and footer (hall, title, print time and
operator, "第 x 页 共 y 页"), the heading block, the lines with their header
rows on every page, the opening and closing balances, the totals by kind, and
the issued document's serial, seal box, signature line and verify QR.
"""

from django.utils.translation import gettext as _

from accounts.templatetags.money import yuan
from accounts.templatetags.statements import kind_notes
from core.issued import qr_matrix
from core.pdf.document import MM, Document
from core.pdf.fonts import print_font
from core.pdf.table import Cell, Table

# No., booked, value date, kind, counterpart, institution, amount, balance (180 mm).
LINE_COLUMNS = [11, 20, 20, 23, 30, 33, 20, 23]
TOTAL_COLUMNS = [100, 30, 50]
HEAD_COLUMNS = [32, 58, 32, 58]
HEAD_FILL, BALANCE_FILL = 0.93, 0.965


def statement_pdf(context: dict) -> bytes:
    """The PDF of an account statement; ``context`` as ``core.printing.print_context`` gives."""
    doc = Document({"regular": print_font("regular"), "bold": print_font("bold")})
    _heading(doc, context)
    _lines(doc, context)
    _totals(doc, context["statement"])
    _foot(doc, context)
    return doc.write(lambda d, number, count: _furniture(d, context, number, count))


def _printed(context) -> str:
    return "{} {:%Y-%m-%d %H:%M} · {} {}".format(
        _("Printed"), context["printed_at"], _("Operator"), context["operator"]
    )


def _furniture(doc: Document, context, number: int, count: int):
    """What the print's ``@page`` margin boxes hold, on every page."""
    top, foot, right = 10 * MM, 297 * MM - 12 * MM, doc.left + doc.width
    doc.text(doc.left, top, context["hall_name"], size=8, gray="furniture")
    doc.text(right, top, context["title"], size=8, gray="furniture", align="right")
    doc.text(doc.left, foot, _printed(context), size=8, gray="furniture")
    page = _("Page %(page)s of %(pages)s") % {"page": number, "pages": count}
    doc.text(right, foot, page, size=8, gray="furniture", align="right")


def _heading(doc: Document, context):
    centre, right = doc.left + doc.width / 2, doc.left + doc.width
    doc.text(centre, doc.y, context["hall_name"], size=11, align="center")
    doc.y += 11 * 1.3 + 2 * MM
    doc.text(centre, doc.y, context["title"], size=16, weight="bold", align="center")
    doc.y += 16 * 1.3 + 4 * MM
    serial = context["issued"].serial
    label_right = right - doc.measure(serial, 9, "bold") - 2
    doc.text(label_right, doc.y, _("Document serial"), size=9, align="right")
    doc.text(right, doc.y, serial, size=9, weight="bold", align="right")
    doc.y += 9 * 1.3 + 2 * MM
    doc.text(right, doc.y, _printed(context), size=8, gray="muted", align="right")
    doc.y += 8 * 1.3 + 3 * MM
    person, account, statement = context["person"], context["account"], context["statement"]
    head = Table(doc, [w * MM for w in HEAD_COLUMNS])
    period = f"{statement.start:%Y-%m-%d} — {statement.end:%Y-%m-%d}"
    rows = [
        [_("Account holder"), person.name, _("ID number"), person.masked_id_number],
        [_("Account number"), account.number, _("Pooling region"), person.region.name],
    ]
    for label, value, label2, value2 in rows:
        head.row([Cell(label), Cell(value), Cell(label2), Cell(value2)], border=False)
    head.row([Cell(_("Period")), Cell(period, span=3)], border=False)
    note = Table(doc, [doc.width])
    note.row(
        [
            Cell(
                notes=(
                    _(
                        "Entries are listed in the order they were booked; the value date is "
                        "the day of the settlement or transfer, or the month of a credit."
                    ),
                )
            )
        ],
        border=False,
    )
    doc.y += 2 * MM


def _lines(doc: Document, context):
    person, account, statement = context["person"], context["account"], context["statement"]
    whose = "{} {} · {} {}".format(
        _("Account holder"), person.name, _("Account number"), account.number
    )
    titles = [_("No."), _("Booked"), _("Value date"), _("Kind"), _("Counterpart")]
    titles += [_("Institution")]
    bold = [Cell(t, weight="bold") for t in titles]
    bold += [Cell(_(t), weight="bold", align="right") for t in ("Amount", "Balance")]
    table = Table(
        doc,
        [w * MM for w in LINE_COLUMNS],
        head=[([Cell(whose, span=8)], {"border": False}), (bold, {"fill": HEAD_FILL})],
    )
    _balance_row(table, _("Opening balance"), statement.opening_balance)
    for line in statement.entries:
        table.row(
            [
                Cell(str(line.sequence), shrink=True),
                Cell(line.booked_text),
                Cell(line.value_text),
                Cell(line.kind_label, kind_notes(line)),
                Cell(line.counterpart_name, (line.counterpart_id_number,))
                if line.counterpart_name
                else Cell(),
                Cell(line.institution_name, (line.institution_code,)),
                _amount(line.amount_text),
                _amount(line.balance_text),
            ]
        )
    if not statement.entries:
        table.row([Cell(_("No entries in this period."), span=8)])
    _balance_row(table, _("Closing balance"), statement.closing_balance)


def _amount(text: str, weight="regular") -> Cell:
    return Cell(text, align="right", weight=weight, shrink=True)


def _balance_row(table: Table, label: str, amount):
    cells = [
        Cell(label, span=7, weight="bold"),
        _amount(yuan(amount), weight="bold"),
    ]
    table.row(cells, fill=BALANCE_FILL)


def _totals(doc: Document, statement):
    doc.room(11 * 1.3 + 7 * MM + 40)
    doc.y += 5 * MM
    doc.text(doc.left, doc.y, _("Totals by kind"), size=11, weight="bold")
    doc.y += 11 * 1.3 + 2 * MM
    head = [Cell(_("Kind"), weight="bold")]
    head += [Cell(_(t), weight="bold", align="right") for t in ("Entries", "Amount")]
    table = Table(doc, [w * MM for w in TOTAL_COLUMNS], head=[(head, {"fill": HEAD_FILL})])
    for total in statement.totals:
        table.row(
            [
                Cell(str(total.label)),
                Cell(str(total.count), align="right"),
                Cell(yuan(total.amount), align="right"),
            ]  # fmt: skip
        )
    for label, amount in ((_("Money in"), statement.credits), (_("Money out"), statement.debits)):
        table.row(
            [
                Cell(label, weight="bold"),
                Cell(),
                _amount(yuan(amount), weight="bold"),
            ],
            fill=BALANCE_FILL,
        )


def _foot(doc: Document, context):
    """Signature line, seal box and verify QR, kept together as the print's ``doc-foot``."""
    doc.room(8 * MM + 42 * MM)
    top, right = doc.y + 8 * MM, doc.left + doc.width
    clerk = f"{_('Clerk')}: "
    doc.text(doc.left, top, clerk, size=10)
    x = doc.left + doc.measure(clerk, 10)
    doc.line(x, top + 11, x + 42 * MM, top + 11)
    seal_x = right - 30 * MM - 4 * MM - 42 * MM
    doc.rect(seal_x, top, 42 * MM, 42 * MM, stroke=0.33, line=0.8, dash="3 2")
    seal = _("Seal of the handling office")
    doc.text(seal_x + 21 * MM, top + 21 * MM - 6, seal, size=10, gray="furniture", align="center")
    _qr(doc, context["verify_url"], right - 28 * MM, top, 26 * MM)
    centre = right - 15 * MM
    doc.text(centre, top + 27 * MM, _("Scan to verify"), size=7, gray="muted", align="center")
    serial = context["issued"].serial
    doc.text(centre, top + 27 * MM + 9, serial, size=7, gray="muted", align="center")
    doc.y = top + 42 * MM


def _qr(doc: Document, data: str, x: float, y: float, size: float):
    """The verify QR (``core.issued.qr_matrix``, the print view's code), a square per module."""
    matrix = qr_matrix(data)
    module = size / len(matrix)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                doc.rect(x + column * module, y + row * module, module, module, fill=0)
