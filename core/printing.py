"""The one print machinery: a document is an HTML print view or the same page as a PDF.

Why one renderer: the hall prints on A4 from the browser, and hands over PDFs
that must show the Chinese text on any machine. Both come from the same
template, which extends ``print/base.html``; the PDF is drawn on the server by
WeasyPrint with the font files of ``settings.YIBAO_PRINT_FONTS`` embedded (by
file path through ``@font-face``, so no font of the machine that opens it, and
no fontconfig lookup, is needed).

To add a document (a receipt 回执, a confirmation form 确认单):

1. a context builder in the app's ``documents.py`` that reads selectors and
   never writes, with ``issue``, a ``core.issued.Issue`` (kind, masked person,
   the facts to keep);
2. a template that ``{% extends "print/base.html" %}`` and fills
   ``{% block document %}`` (and optionally ``{% block print_css %}``); the base
   prints the hall name, the ``title`` of the context, print time, operator and
   "第 x 页 共 y 页" on every page;
3. a view that returns ``render_print(request, "app/x.html", context,
   filename="x.pdf")``. The page is the print view; ``?format=pdf`` downloads
   the PDF. Links to both: ``{% include "print/actions.html" %}`` is already in
   the base (a print button hidden on paper, and the PDF link).

A long tabular document may draw its PDF itself instead (the account statement,
``accounts/statement_pdf.py``, through ``core.pdf``: WeasyPrint needs about 27 ms
of CPU a table line): ``render_print(..., draw_pdf=f)`` calls ``f`` with the
same context as the template (``print_context``) and sends what it returns.

Each rendering issues the document (``core.issued.document_issue``): the base
prints its serial, the QR of its verify URL, the seal box (经办机构盖章) and the
signature lines a document may add to (``{% block signatures %}``).
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.issued import document_issue, qr_svg, verify_url

PDF = "pdf"


def render_print(request, template_name: str, context: dict, *, filename: str,
                 draw_pdf=None) -> HttpResponse:  # fmt: skip
    """The print view of ``template_name``, or its PDF download when ``?format=pdf``
    (drawn by ``draw_pdf(context)`` if given, else by WeasyPrint from the template).

    Both are sent ``Cache-Control: no-store``: a statement holds personal data, and
    a counter PC is shared — no copy may stay in the browser's cache.
    """
    as_pdf = request.GET.get("format") == PDF
    context = {**context}
    issued = document_issue(issue=context.pop("issue"), operator=request.user)
    url = verify_url(request, issued)
    if as_pdf and draw_pdf:
        context.update(issued=issued, verify_url=url)
        response = HttpResponse(draw_pdf(print_context(request, context, pdf=True)))
    else:
        context.update(issued=issued, verify_qr=qr_svg(url))
        html = print_page(request, template_name, context, pdf=as_pdf)
        response = HttpResponse(html_to_pdf(html) if as_pdf else html)
    if as_pdf:
        response["Content-Type"] = "application/pdf"
        response["Content-Disposition"] = content_disposition_header(True, filename)
    add_never_cache_headers(response)
    return response


def print_page(request, template_name: str, context: dict, *, pdf: bool) -> str:
    """The HTML of a print page; with ``pdf``, the HTML that WeasyPrint draws."""
    context = print_context(request, context, pdf=pdf)
    return render_to_string(template_name, context, request=request)


def print_context(request, context: dict, *, pdf: bool) -> dict:
    """``context`` with what every print shows: ``hall_name``, ``printed_at``,
    ``operator`` (the user), ``pdf``, ``fonts`` (file URLs of the embedded fonts)
    and ``page_counter`` (CSS of the page numbers)."""
    return {
        "hall_name": settings.YIBAO_HALL_NAME,
        "printed_at": timezone.localtime(),
        "operator": request.user,
        "pdf": pdf,
        "fonts": {k: Path(v).as_uri() for k, v in settings.YIBAO_PRINT_FONTS.items()},
        "page_counter": page_counter_css(),
        **context,
    }


def html_to_pdf(html: str) -> bytes:
    """A4 PDF of a rendered print page (imported late: WeasyPrint loads Pango)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def check_print_fonts(**kwargs):
    """Warn when a font file to embed is missing: PDFs would then miss Chinese glyphs."""
    from django.core.checks import Warning

    return [
        Warning(
            f"Print font {weight} not found at {path}",
            hint="Run bin/setup (Debian's fonts-noto-cjk) or set YIBAO_PRINT_FONT(_BOLD).",
            id="yibao.W001",
        )
        for weight, path in settings.YIBAO_PRINT_FONTS.items()
        if not Path(path).is_file()
    ]


def page_counter_css() -> str:
    """The CSS ``content`` of the page numbers, "第 x 页 共 y 页" in Chinese."""
    text = _("Page %(page)s of %(pages)s").replace("\\", "").replace('"', "")
    return '"{}"'.format(
        text.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
    )
