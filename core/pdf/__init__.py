"""A small PDF writer for long tabular documents (the account statement).

Why not WeasyPrint for these: it shapes every cell with Pango and lays the
table out in CSS, about 27 ms of CPU a line on this machine — a year of 2,000
statement lines was 54 s (docs/BENCHMARKS.md). A statement needs none of that:
Chinese, digits and ASCII need no shaping, and its columns have fixed widths.
Here a page is a list of PDF drawing operators; text is measured with the
font's own advance widths (``fonts``), cells are wrapped by that width
(``table``), and ``pydyf`` (WeasyPrint's own PDF serialiser) writes the file
with the glyphs used subset from the print font and embedded, so the PDF shows
its Chinese text on any machine, and its text can be searched and copied.

One-page documents (receipts, forms) stay on WeasyPrint (``core.printing``).
"""
