"""A small PDF writer for the mirror and the tests: text pages in Helvetica, or a page that is only an image."""

from __future__ import annotations

import io
import zlib

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN, FONT_SIZE, LEADING = 56, 11, 15
CHARS_PER_LINE = 88


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(paragraph: str) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > CHARS_PER_LINE:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _page_stream(paragraphs: list[str]) -> bytes:
    ops = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LEADING, b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN)]
    for paragraph in paragraphs:
        for line in _wrap(paragraph):
            ops.append(b"(" + _escape(line) + b") Tj T*")
        ops.append(b"T*")  # a blank line between paragraphs
    ops.append(b"ET")
    return b"\n".join(ops)


def _assemble(objects: list[bytes], info: dict[str, str] | None = None) -> bytes:
    """objects[0] must be the catalog; returns a complete PDF with a correct cross-reference table."""
    if info:
        entries = b" ".join(b"/%s (%s)" % (k.encode(), _escape(v)) for k, v in info.items())
        objects = objects + [b"<< " + entries + b" >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info:
        trailer += b" /Info %d 0 R" % len(objects)
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def text_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A PDF with a text layer: pages is a list of pages, each a list of paragraphs (Latin script only)."""
    # Objects: 1 catalog, 2 page tree, 3 font, then a (page, content) pair per page.
    kids = [4 + 2 * i for i in range(len(pages))]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, paragraphs in enumerate(pages):
        stream = zlib.compress(_page_stream(paragraphs))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, kids[i] + 1))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    return _assemble(objects, {"Title": title} if title else None)


def scanned_pdf(lines: list[str], font_size: int = 36) -> bytes:
    """A one-page PDF whose page is only a picture of the given lines: no text layer, as a scan."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=font_size)
    width, height = 1654, 2339  # A4 at 200 dpi
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = 150
    for line in lines:
        draw.text((120, y), line, fill=0, font=font)
        y += int(font_size * 1.6)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200.0)
    return buffer.getvalue()
