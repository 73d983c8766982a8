"""Reading a PDF the print machinery made, as a person (or a machine without fonts) would;
and what a print page loads."""

import io
import re

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of every page, in order."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def read_pdf(data: bytes) -> tuple[str, list[str], bool]:
    """The text of every page, the names of the fonts used, whether all are embedded."""
    pdf = PdfReader(io.BytesIO(data))
    fonts = [f.get_object() for p in pdf.pages for f in p["/Resources"]["/Font"].values()]
    descriptors = [f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts]
    embedded = all({"/FontFile", "/FontFile2", "/FontFile3"} & set(d) for d in descriptors)
    return pdf_text(data), [str(f["/BaseFont"]) for f in fonts], embedded


# The only script a print page loads: its print button's own file (no inline script).
PRINT_SCRIPT = '<script src="/static/print/print.js" defer>'


def page_scripts(html: str) -> list[str]:
    """The opening ``<script>`` tags of a page."""
    return re.findall(r"<script[^>]*>", html)
