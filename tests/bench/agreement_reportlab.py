#!/usr/bin/python3
"""The reportlab side of tests/bench/agreement_pdf.sh: the same one-page agreement drawn N times.

Usage: agreement_reportlab.py [--qr] AGREEMENT.txt DOCS.tsv OUT_DIR

AGREEMENT.txt is `ncssctl agreement show ID --unmask` of one record. DOCS.tsv has one line per
document, "agreement_no<TAB>name": each document is that text with the record's own agreement
number and graduate name replaced, so that every file differs as the ncssctl ones do.

The layout follows ncssctl's PdfDocument as the agreement uses it (A4; margins 72/68 pt; a 16 pt
centred title; 10.5 pt body at 1.6 line spacing; section headings; labels in the left 30 % and
values wrapped in the rest; clauses wrapped per character, never before closing punctuation).
With --qr the verification code's QR code ("协议编号：…\n验证码：…", level M, 3 pt modules, a
four-module quiet zone) follows the verification note, as in ncssctl's files; without it (the
default) reportlab draws only the text, less than ncssctl does: reportlab's QR encoder is pure
Python and would dominate its time. It is reportlab's best case: the canvas API (no platypus), WenQuanYi Zen Hei (face 0, the font ncssctl embeds) registered once per
process, character widths cached, default page compression and reportlab's own per-document font
subset. One process, one core.

Prints "pages BYTES SECONDS": pages written, their total size, and the time spent drawing and
writing them (font registration excluded).
"""
import os
import sys
import time

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT = "WenQuanYiZenHei"
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 72, 72, 68, 68
HEADING_SIZE, BODY_SIZE, LINE_SPACING, LABEL_COLUMN = 16, 10.5, 1.6, 0.3
CLOSING = set("，。、；：？！）］｝」』》〉】〕〗’”…—·・‧％,.;:?!)]}%")
OPENING = set("（［｛「『《〈【〔〖‘“([{")

_widths = {}


def width(ch, size):
    w = _widths.get(ch)
    if w is None:
        w = _widths[ch] = pdfmetrics.stringWidth(ch, FONT, 1000)
    return w * size / 1000


def word_char(c):
    return (c.isascii() and c.isalnum()) or c in "-_/@"


def wrap(text, size, max_width):
    """Lines of `text` no wider than max_width: breaks between CJK characters and at spaces,
    never before closing or after opening punctuation, never inside a Latin word or number."""
    lines = []
    start = 0
    n = len(text)
    while start < n:
        used = 0.0
        last_break = 0
        end = n
        for i in range(start, n):
            c = text[i]
            if i > start:
                before = text[i - 1]
                if not (c in CLOSING or before in OPENING or (word_char(before) and word_char(c))):
                    last_break = i
            used += width(c, size)
            if used > max_width and i > start:
                end = last_break if last_break > start else i
                break
        lines.append(text[start:end].rstrip(" "))
        start = end
        while start < n and text[start] == " ":
            start += 1
    return lines or [""]


class Page:
    def __init__(self, path):
        self.c = canvas.Canvas(path, pagesize=A4)  # page compression: reportlab's default, on
        self.width, self.height = A4
        self.text_width = self.width - MARGIN_LEFT - MARGIN_RIGHT
        self.pages = 0
        self.new_page()

    def new_page(self):
        if self.pages:
            self.c.showPage()
        self.pages += 1
        self.y = self.height - MARGIN_TOP
        self.at_top = True
        self.gap = 0

    def row(self, size, gap_before, pieces):
        gap = 0 if self.at_top else self.gap + gap_before
        height = size * LINE_SPACING
        if self.y - gap - height < MARGIN_BOTTOM and not self.at_top:
            self.new_page()
            gap = 0
        self.gap = 0
        self.y -= gap + height
        baseline = self.y + (height - size) / 2 + size * 0.12
        self.c.setFont(FONT, size)
        for x, text in pieces:
            if text:
                self.c.drawString(MARGIN_LEFT + x, baseline, text)
        self.at_top = False

    def heading(self, text):
        size = HEADING_SIZE
        for k, line in enumerate(wrap(text, size, self.text_width)):
            x = (self.text_width - sum(width(c, size) for c in line)) / 2
            self.row(size, size * 0.5 if k == 0 else 0, [(x, line)])
        self.gap += size * 0.5

    def paragraph(self, text):
        size = BODY_SIZE
        for k, line in enumerate(wrap(text, size, self.text_width)):
            self.row(size, size * 0.4 if k == 0 else 0, [(0, line)])

    def field(self, label, value):
        size = BODY_SIZE
        label_width = self.text_width * LABEL_COLUMN
        labels = wrap(label, size, label_width - size)
        values = wrap(value, size, self.text_width - label_width)
        for k in range(max(len(labels), len(values))):
            pieces = []
            if k < len(labels):
                pieces.append((0, labels[k]))
            if k < len(values):
                pieces.append((label_width, values[k]))
            self.row(size, size * 0.2 if k == 0 else 0, pieces)

    def space(self, points):
        self.gap += points

    def qr_code(self, text, module=3.0):
        widget = QrCodeWidget(text, barLevel="M", barBorder=4)
        side = (widget.qr.getModuleCount() + 8) * module
        widget.barWidth = widget.barHeight = side
        gap = 0 if self.at_top else self.gap
        if self.y - gap - side < MARGIN_BOTTOM and not self.at_top:
            self.new_page()
            gap = 0
        self.gap = 0
        self.y -= gap + side
        drawing = Drawing(side, side)
        drawing.add(widget)
        renderPDF.draw(drawing, self.c, MARGIN_LEFT, self.y)
        self.at_top = False

    def save(self):
        self.c.save()


def parse(text):
    """The blocks of `agreement show` text: the title line, headings (unindented lines), fields
    ("  label：value" with a short label) and paragraphs (the other indented lines); the QR code
    at the end of the section of the 验证码 field."""
    blocks = []
    lines = text.split("\n")
    blocks.append(("title", lines[0]))
    number = ""
    qr = None
    for line in lines[1:]:
        if not line.strip():
            continue
        if not line.startswith("  "):
            if qr:
                blocks.append(("qr", qr))
                qr = None
            blocks.append(("heading", line))
            continue
        body = line[2:]
        label, sep, value = body.partition("：")
        if sep and 0 < len(label) <= 12 and "，" not in label and "、" not in label:
            blocks.append(("field", label, value))
            if label == "协议编号":
                number = value
            elif label == "验证码":
                qr = "协议编号：%s\n验证码：%s" % (number, value)
        else:
            blocks.append(("paragraph", body))
    if qr:
        blocks.append(("qr", qr))
    return blocks


def draw(blocks, path, qr):
    page = Page(path)
    for b in blocks:
        if b[0] == "title":
            page.heading(b[1])
            page.space(6)
        elif b[0] == "heading":
            page.space(8)
            page.paragraph(b[1])
        elif b[0] == "field":
            page.field(b[1], b[2])
        elif b[0] == "qr":
            if qr:
                page.qr_code(b[1])
        else:
            page.paragraph(b[1])
    page.save()
    return page.pages


def main():
    args = sys.argv[1:]
    qr = args[:1] == ["--qr"]
    if qr:
        args = args[1:]
    if len(args) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    with open(args[0], encoding="utf-8") as f:
        template = parse(f.read())
    with open(args[1], encoding="utf-8") as f:
        docs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    out_dir = args[2]
    os.makedirs(out_dir, exist_ok=True)
    own_no = next(b[2] for b in template if b[0] == "field" and b[1] == "协议编号")
    own_name = next(b[2] for b in template if b[0] == "field" and b[1] == "姓名")

    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))  # once per process
    t0 = time.perf_counter()
    pages = 0
    total = 0
    for no, name in docs:
        blocks = [tuple(part.replace(own_no, no).replace(own_name, name) for part in b)
                  for b in template]
        path = os.path.join(out_dir, "%s_%s.pdf" % (no, name))
        pages += draw(blocks, path, qr)
        total += os.path.getsize(path)
    seconds = time.perf_counter() - t0
    print(pages, total, "%.3f" % seconds)


if __name__ == "__main__":
    main()
