"""The print font for the PDF writer: parsed once per process, subset and embedded per PDF.

The font is that of every print (``settings.YIBAO_PRINT_FONTS``): Debian's Noto
Sans CJK, a collection of CFF-flavoured OpenType faces, of which the Simplified
Chinese one is taken. Its CFF is CID-keyed (Adobe-Identity-0): a glyph's name
is its CID, which is what the page's strings hold (two bytes a glyph, encoding
Identity-H). The subset keeps those CIDs, so nothing is renumbered; the widths
go in the CIDFont's ``W`` array and a ToUnicode CMap maps every CID back to its
character, so text extraction and search give the text as written.
"""

import functools
import hashlib
import io
from dataclasses import dataclass

import pydyf
from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

# The face of a collection to use: the print is in Simplified Chinese.
FAMILY = "Noto Sans CJK SC"
# The tables a subset is cut from: the PDF reads the CFF alone (widths are in ``W``).
_KEEP = {"CFF ", "head", "maxp"}


@dataclass(frozen=True, eq=False)
class Font:
    """One weight of the print font, as the writer needs it."""

    path: str
    number: int  # the face in the collection
    name: str  # the PDF's font name (YibaoPrint-Regular), as WeasyPrint's @font-face
    glyphs: dict[int, tuple[int, float]]  # code point → (CID, advance in em)
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int

    # Memoised: a statement repeats its dates, labels, names and institutions on
    # every line (a third of the writer's time was measuring and encoding).
    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 (fonts live as long as the process)
    def measure(self, text: str) -> float:
        """The advance of ``text`` in em (a character the font lacks counts as 1 em)."""
        glyphs = self.glyphs
        return sum(glyphs.get(ord(c), _MISSING)[1] for c in text)

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def encode(self, text: str) -> tuple[str, dict[int, str]]:
        """``text`` as the hex of its CIDs (Identity-H), and those CIDs with their characters."""
        glyphs = self.glyphs
        cids = [glyphs.get(ord(c), _MISSING)[0] for c in text]
        used = {cid: char for cid, char in zip(cids, text, strict=True) if cid}
        return "".join(f"{cid:04x}" for cid in cids), used


_MISSING = (0, 1.0)  # .notdef


@functools.cache
def print_font(weight: str) -> Font:
    """The ``regular`` or ``bold`` print font, read once per process (about 0.5 s)."""
    path = settings.YIBAO_PRINT_FONTS[weight]
    number = _face_number(path)
    font = TTFont(path, fontNumber=number, lazy=True)
    upm = font["head"].unitsPerEm
    advances = font["hmtx"].metrics
    glyphs = {
        code: (_cid(glyph), advances[glyph][0] / upm) for code, glyph in font.getBestCmap().items()
    }
    head, os2 = font["head"], font["OS/2"]
    return Font(
        path=path,
        number=number,
        name=f"YibaoPrint-{weight.capitalize()}",
        glyphs=glyphs,
        bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
        ascent=os2.sTypoAscender,
        descent=os2.sTypoDescender,
    )


def _face_number(path: str) -> int:
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    faces = TTCollection(path, lazy=True).fonts
    names = [face["name"].getDebugName(1) for face in faces]
    return names.index(FAMILY) if FAMILY in names else 0


def _cid(glyph: str) -> int:
    """The CID of a CID-keyed CFF glyph name (``cid01234``); 0 for any other."""
    return int(glyph[3:]) if glyph.startswith("cid") else 0


def embed(pdf: pydyf.PDF, font: Font, used: dict[int, str]) -> pydyf.Dictionary:
    """Add ``font`` to ``pdf`` as a Type0 font of the CIDs ``used`` (CID → character).

    The font program is the CFF of a subset holding only those glyphs
    (FontFile3, CIDFontType0C), named with a tag of its glyph set as PDF asks.
    """
    cids = sorted(used.keys() | {0})
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(repr(cids).encode()).digest()[:6])
    base = f"{tag}+{font.name}"
    program = pydyf.Stream([_subset_cff(font, cids)], {"Subtype": "/CIDFontType0C"}, compress=True)
    pdf.add_object(program)
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": pydyf.name(base),
            "Flags": 4,
            "FontBBox": pydyf.Array(font.bbox),
            "ItalicAngle": 0,
            "Ascent": font.ascent,
            "Descent": font.descent,
            "CapHeight": font.ascent,
            "StemV": 80,
            "FontFile3": program.reference,
        }
    )
    pdf.add_object(descriptor)
    advances = {cid: round(font.glyphs[ord(c)][1] * 1000) for cid, c in used.items() if cid}
    widths = pydyf.Array()
    for cid in sorted(advances):
        widths.extend([cid, pydyf.Array([advances[cid]])])
    cid_font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType0",
            "BaseFont": pydyf.name(base),
            "CIDSystemInfo": pydyf.Dictionary(
                {
                    "Registry": pydyf.String("Adobe"),
                    "Ordering": pydyf.String("Identity"),
                    "Supplement": 0,
                }
            ),
            "FontDescriptor": descriptor.reference,
            "DW": 1000,
            "W": widths,
        }
    )
    pdf.add_object(cid_font)
    to_unicode = pydyf.Stream([_to_unicode(used)], compress=True)
    pdf.add_object(to_unicode)
    type0 = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": pydyf.name(base),
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid_font.reference]),
            "ToUnicode": to_unicode.reference,
        }
    )
    pdf.add_object(type0)
    return type0


def _subset_cff(font: Font, cids: list[int]) -> bytes:
    """The CFF table of the font cut down to ``cids`` (read afresh: subsetting is in place)."""
    face = TTFont(font.path, fontNumber=font.number, lazy=True)
    for tag in set(face.keys()) - _KEEP:  # unread: parsing cmap, hmtx, GSUB… is most of the time
        del face[tag]
    options = subset.Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.layout_features = []
    options.name_IDs = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=[f"cid{cid:05d}" for cid in cids if cid])
    subsetter.subset(face)
    out = io.BytesIO()
    face["CFF "].cff.compile(out, face)
    return out.getvalue()


def _to_unicode(used: dict[int, str]) -> bytes:
    """The ToUnicode CMap of ``used`` (bfchar blocks of at most 100, as the format asks)."""
    pairs = sorted(used.items())
    blocks = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines = "\n".join(
            f"<{cid:04X}> <{c.encode('utf-16-be').hex().upper()}>" for cid, c in chunk
        )
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend"
    ).encode()
