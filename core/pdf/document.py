"""A4 pages as lists of PDF operators, and the file written from them.

Coordinates are in points from the top-left corner of the page (as one reads
it); they are turned to PDF's bottom-up ones when drawn. The running furniture
(the page's header and footer with "page n of N") is drawn after the flow,
when the number of pages is known.
"""

import io
import zlib

import pydyf

from core.pdf.fonts import Font, embed

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LEADING = 1.3  # line height, in font sizes
GRAY = {"text": 0, "muted": 0.27, "furniture": 0.33}


class Document:
    """A flow of A4 pages with a cursor ``y``; text in the print font's ``fonts`` by weight."""

    def __init__(self, fonts: dict[str, Font], *, top=20 * MM, right=15 * MM, bottom=18 * MM,
                 left=15 * MM):  # fmt: skip
        self.fonts = fonts
        self.used = {weight: {} for weight in fonts}  # weight → CID → character
        self.top, self.bottom, self.left = top, A4[1] - bottom, left
        self.width = A4[0] - left - right
        self.pages: list[list[bytes]] = []
        self.page: list[bytes] = []
        self.new_page()

    def new_page(self):
        self.page = []
        self.pages.append(self.page)
        self.y = self.top

    def room(self, height: float) -> bool:
        """Start a new page unless ``height`` fits under the cursor; True when it did."""
        if self.y + height <= self.bottom:
            return False
        self.new_page()
        return True

    def measure(self, text: str, size: float, weight: str = "regular") -> float:
        return self.fonts[weight].measure(text) * size

    def text(self, x: float, y: float, text: str, *, size: float, weight="regular",
             gray="text", align="left"):  # fmt: skip
        """``text`` on one line whose box's top is ``y``; ``x`` is its left, right or centre."""
        if not text:
            return
        font = self.fonts[weight]
        if align != "left":
            width = font.measure(text) * size
            x -= width if align == "right" else width / 2
        hex_text, used = font.encode(text)
        self.used[weight].update(used)
        baseline = A4[1] - y - size * (LEADING - 1) / 2 - size * 0.88
        self.page.append(
            f"BT /{weight} {size:g} Tf {GRAY[gray]:g} g 1 0 0 1 {x:.2f} {baseline:.2f} Tm "
            f"<{hex_text}> Tj ET".encode()
        )

    def rect(self, x: float, y: float, width: float, height: float, *, fill=None,
             stroke=None, line=0.5, dash=None):  # fmt: skip
        """A rectangle filled with the gray ``fill`` and/or stroked in the gray ``stroke``."""
        ops = [f"{x:.2f} {A4[1] - y - height:.2f} {width:.2f} {height:.2f} re"]
        if fill is not None:
            ops.insert(0, f"{fill:g} g")
        if stroke is not None:
            ops.insert(0, f"{stroke:g} G {line:g} w [{dash or ''}] 0 d")
        paint = "B" if fill is not None and stroke is not None else "f" if fill is not None else "S"
        self.page.append((" ".join(ops) + " " + paint).encode())

    def line(self, x1: float, y1: float, x2: float, y2: float, *, gray=0, width=0.5):
        self.page.append(
            f"{gray:g} G {width:g} w [] 0 d {x1:.2f} {A4[1] - y1:.2f} m "
            f"{x2:.2f} {A4[1] - y2:.2f} l S".encode()
        )

    def write(self, furniture) -> bytes:
        """The PDF; ``furniture(document, number, count)`` draws on each page first."""
        count = len(self.pages)
        for number, page in enumerate(self.pages, 1):
            self.page = page
            furniture(self, number, count)
        pdf = pydyf.PDF()
        fonts = pydyf.Dictionary(
            {w: embed(pdf, self.fonts[w], used).reference for w, used in self.used.items() if used}
        )
        resources = pydyf.Dictionary({"Font": fonts})
        pdf.add_object(resources)
        for page in self.pages:
            # Level 6, not pydyf's 9: a tenth of the time, a few per cent larger.
            packed = zlib.compress(b"\n".join(page), 6)
            content = pydyf.Stream([packed], {"Filter": "/FlateDecode"})
            pdf.add_object(content)
            pdf.add_page(
                pydyf.Dictionary(
                    {
                        "Type": "/Page",
                        "Parent": pdf.pages.reference,
                        "MediaBox": pydyf.Array([0, 0, round(A4[0], 2), round(A4[1], 2)]),
                        "Contents": content.reference,
                        "Resources": resources.reference,
                    }
                )
            )
        out = io.BytesIO()
        pdf.write(out, compress=True)
        return out.getvalue()
