"""The statistics chart, drawn on the server as SVG: no script (the CSP allows
none inline), no library, nothing fetched; the same figures as the month table.

One stacked bar per month: sharing payments below, wallet transfers above, the
total written on top; the bars scale to the largest month.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.templatetags.units import in_unit

HEIGHT, TOP, BOTTOM, LEFT = 260, 24, 40, 8
BAR, GAP = 36, 18
COLOURS = {"payments": "#417690", "transfers": "#f5a623"}


def month_chart_svg(rows, unit: str) -> SafeString:
    """``rows`` are the month table's ``LabelledRow``s; an empty period draws nothing."""
    if not rows:
        return SafeString("")
    largest = max(row.figures.amount for row in rows) or Decimal(1)
    plot = HEIGHT - TOP - BOTTOM
    width = LEFT * 2 + len(rows) * (BAR + GAP)
    bars = []
    for number, row in enumerate(rows):
        x = LEFT + number * (BAR + GAP) + GAP // 2
        paid = int(row.figures.payments_amount * plot / largest)
        moved = int(row.figures.transfers_amount * plot / largest)
        base = HEIGHT - BOTTOM
        bars.append(
            format_html(
                "<g><title>{label}: {total}</title>"
                '<rect x="{x}" y="{py}" width="{w}" height="{ph}" fill="{pc}"/>'
                '<rect x="{x}" y="{ty}" width="{w}" height="{th}" fill="{tc}"/>'
                '<text x="{cx}" y="{vy}" text-anchor="middle" font-size="10">{total}</text>'
                '<text x="{cx}" y="{ly}" text-anchor="middle" font-size="11">{label}</text></g>',
                label=row.label,
                total=in_unit(row.figures.amount, unit),
                x=x,
                w=BAR,
                py=base - paid,
                ph=paid,
                pc=COLOURS["payments"],
                ty=base - paid - moved,
                th=moved,
                tc=COLOURS["transfers"],
                cx=x + BAR // 2,
                vy=base - paid - moved - 4,
                ly=base + 16,
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        [
            (LEFT + i * 120, HEIGHT - 14, COLOURS[key], LEFT + i * 120 + 14, HEIGHT - 5, text)
            for i, (key, text) in enumerate(
                [("payments", _("Sharing payments")), ("transfers", _("Wallet transfers"))]
            )
        ],
    )
    return format_html(
        '<svg class="report-chart" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        _("Amount by month"),
        max(width, 260),
        HEIGHT,
        max(width, 260),
        HEIGHT,
        SafeString("".join(bars)),
        legend,
    )
