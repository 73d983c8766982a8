"""Tables with fixed column widths that flow over pages, their header rows on each.

A cell is one or more pieces of text, each starting on a line of its own (a
main text, then small grey notes under it, as the HTML print's
``<br><span class="small">``); a piece wider than its column is wrapped by the
font's measured widths, at a space when there is one, else at any character
(Chinese has no spaces). A number is never broken: a ``shrink`` cell's text is
drawn smaller until it fits. A row never breaks across pages.
"""

from dataclasses import dataclass, field

from core.pdf.document import LEADING, MM, Document

PAD_X, PAD_Y = 1.5 * MM, 1 * MM
SIZE, SMALL = 9, 8


@dataclass(frozen=True)
class Cell:
    text: str = ""
    notes: tuple[str, ...] = ()  # small grey lines under the text
    span: int = 1
    align: str = "left"
    weight: str = "regular"
    shrink: bool = False  # one line, smaller if need be (amounts)


@dataclass
class Table:
    """Columns of ``widths`` (points), with ``head`` rows repeated at the top of each page."""

    doc: Document
    widths: list[float]
    head: list[tuple[list[Cell], dict]] = field(default_factory=list)
    started: bool = False

    def row(self, cells: list[Cell], *, fill=None, border=True):
        """Draw a row, on a new page (under the header rows) if it does not fit here."""
        laid = self._lay(cells)
        height = _height(laid)
        if not self.started or self.doc.room(height):
            self.started = True
            head = [(self._lay(cells), style) for cells, style in self.head]
            self.doc.room(height + sum(_height(h) for h, _ in head))
            for head_laid, style in head:
                self._draw(head_laid, _height(head_laid), **style)
        self._draw(laid, height, fill=fill, border=border)

    def _lay(self, cells: list[Cell]):
        """Each cell with its column span's width and its lines as (size, text, gray, weight)."""
        laid, column = [], 0
        for cell in cells:
            width = sum(self.widths[column : column + cell.span])
            column += cell.span
            inner = width - 2 * PAD_X
            if cell.shrink:
                fitted = inner / max(self.doc.measure(cell.text, 1, cell.weight), 1e-6)
                lines = [(min(SIZE, fitted), cell.text, "text", cell.weight)]
            else:
                wrapped = self._wrap(cell.text, inner, SIZE, cell.weight)
                lines = [(SIZE, t, "text", cell.weight) for t in wrapped]
            for note in cell.notes:
                lines += [
                    (SMALL, t, "muted", "regular")
                    for t in self._wrap(note, inner, SMALL, "regular")
                ]
            laid.append(((cell, width), lines or [(SIZE, "", "text", "regular")]))
        return laid

    def _wrap(self, text: str, width: float, size: float, weight: str) -> list[str]:
        if not text:
            return []
        measure = self.doc.fonts[weight].measure
        limit = width / size
        if measure(text) <= limit:
            return [text]
        lines, line = [], ""
        for char in text:
            if line and measure(line + char) > limit:
                head, space, tail = line.rpartition(" ")
                if space and head:
                    lines.append(head)
                    line = tail
                else:
                    lines.append(line)
                    line = ""
            line += char
        return lines + [line.lstrip()]

    def _draw(self, laid, height: float, *, fill=None, border=True):
        doc, x, top = self.doc, self.doc.left, self.doc.y
        for (cell, width), lines in laid:
            if fill is not None or border:
                doc.rect(x, top, width, height, fill=fill, stroke=0.53 if border else None)
            y = top + PAD_Y
            for size, text, gray, weight in lines:
                if cell.align == "right":
                    doc.text(x + width - PAD_X, y, text, size=size, weight=weight, gray=gray,
                             align="right")  # fmt: skip
                else:
                    doc.text(x + PAD_X, y, text, size=size, weight=weight, gray=gray)
                y += LEADING * size
            x += width
        doc.y = top + height


def _height(laid) -> float:
    return max(sum(LEADING * line[0] for line in lines) for _, lines in laid) + 2 * PAD_Y
