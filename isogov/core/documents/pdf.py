"""The PDF layout of a Vietnamese official document (fpdf2), with an embedded Unicode font.

The font (DejaVu Sans, regular and bold) ships in ``fonts/`` and is embedded, subset, in every
PDF: agency machines have neither the font nor a network. Everything printed goes through
``nfc``, so decomposed input prints as precomposed Vietnamese.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import TableHeadingsDisplay
from fpdf.fonts import FontFace

from isogov.core.documents.text import nfc

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"

# Decree 30/2020/NĐ-CP appendix I: the national name and motto head every official document.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

SIGN_HINT = "(Ký và ghi rõ họ tên)"
SEAL_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"

BODY_PT = 9
LINE_MM = 4.6
TABLE_PT = 7.5
TABLE_LINE_MM = 3.5
HEADING_STYLE = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
DOTS = "………………"


class Document(FPDF):
    """An fpdf2 document with the embedded font, a corner label and optional page numbers."""

    def __init__(
        self,
        *,
        page_format: str,
        orientation: str,
        corner_label: str,
        title: str,
        number_pages: bool,
        continuation: str = "",
    ) -> None:
        # A5 as millimetres: fpdf2 2.8.5+ warns on the "A5" name because it fixed its size.
        size = (148, 210) if page_format == "A5" else page_format
        super().__init__(orientation=orientation, unit="mm", format=size)
        self.corner_label = corner_label
        self.number_pages = number_pages
        self.continuation = continuation
        self._beside: tuple[float, float] | None = None
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        margin = 12 if page_format == "A5" else 10
        self.set_margins(left=margin, top=9, right=margin)
        self.set_auto_page_break(auto=True, margin=11)
        self.set_title(title)
        self.set_lang("vi")
        self.set_creator("isogov")
        self.add_page()
        self.set_font(FONT, size=BODY_PT)

    def header(self) -> None:
        # Page 1 carries the corner label (the form number); later pages say what they continue.
        text = self.corner_label if self.page_no() == 1 else self.continuation
        if not text:
            return
        self.set_font(FONT, "B" if self.page_no() == 1 else "", 7)
        self.set_xy(self.l_margin, 4)
        self.cell(self.epw, 4, nfc(text), align="R" if self.page_no() == 1 else "L")
        self.set_xy(self.l_margin, self.t_margin)
        self.set_font(FONT, size=BODY_PT)

    def footer(self) -> None:
        if not self.number_pages:
            return
        self.set_y(-9)
        self.set_font(FONT, size=7)
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="C")

    def wrap_beside(self, width: float, bottom: float) -> None:
        """Narrow the paragraphs by ``width`` at the right (a picture is there) until one
        starts below ``bottom``."""
        self.end_beside()
        if width > 0:
            self.set_right_margin(self.r_margin + width)
            self._beside = (width, bottom)

    def end_beside(self, *, below: bool = False) -> None:
        """Give the paragraphs their full width again; ``below``: move under the picture."""
        beside = self._beside
        if beside is None:
            return
        width, bottom = beside
        self.set_right_margin(self.r_margin - width)
        self._beside = None
        if below:
            self.set_y(max(self.get_y(), bottom))

    def runs(self, *parts: tuple[str, bool], size: float = BODY_PT) -> None:
        """One paragraph of (text, bold) runs, wrapped at the margins."""
        beside = self._beside
        if beside is not None and self.get_y() >= beside[1]:
            self.end_beside()
        self.set_x(self.l_margin)
        height = LINE_MM * size / BODY_PT
        for text, bold in parts:
            self.set_font(FONT, "B" if bold else "", size)
            text = nfc(text)
            # fpdf2 cuts a run's first word where the line ends; a word that fits on a line of
            # its own goes to the next line whole (an ID number is never split in two).
            first = text.split(" ", 1)[0]
            room = self.w - self.r_margin - self.get_x()
            if first and self.get_x() > self.l_margin:
                width = self.get_string_width(first)
                if room < width <= self.epw:
                    self.ln(height)
            self.write(height, text)
        self.ln(height)
        self.set_font(FONT, size=BODY_PT)

    def field(self, label: str, value: str, *, bold: bool = False) -> None:
        """``label value``; an empty value prints a dotted line to fill in by hand."""
        self.runs((f"{label} ", False), (value or DOTS, bold))

    def paragraph(self, text: str, *, bold: bool = False, align: str = "J") -> None:
        self.set_font(FONT, "B" if bold else "", BODY_PT)
        self.multi_cell(0, LINE_MM, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=BODY_PT)

    def centred(self, text: str, *, bold: bool = False, size: float = BODY_PT) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(
            0, LINE_MM * max(size, BODY_PT) / BODY_PT, nfc(text), align="C", new_x="LMARGIN"
        )
        self.set_font(FONT, size=BODY_PT)

    def gap(self, mm: float = 1.5) -> None:
        self.ln(mm)

    def rule(self, x_centre: float, y: float, width: float) -> None:
        self.set_line_width(0.25)
        self.line(x_centre - width / 2, y, x_centre + width / 2, y)


def render_document(
    build: Callable[[Document], None],
    *,
    corner_label: str,
    title: str,
    page_format: str = "A5",
    orientation: str = "portrait",
    always_number_pages: bool = False,
    continuation: str = "",
) -> bytes:
    """Build the document; when it runs past one page, build it again with page numbers."""

    def attempt(number_pages: bool) -> Document:
        document = Document(
            page_format=page_format,
            orientation=orientation,
            corner_label=corner_label,
            title=title,
            number_pages=number_pages,
            continuation=continuation,
        )
        build(document)
        return document

    document = attempt(always_number_pages)
    if not always_number_pages and document.pages_count > 1:
        document = attempt(True)
    return bytes(document.output())


def letterhead(
    pdf: Document,
    *,
    issuer_lines: Sequence[tuple[str, bool]],
    number: str | None,
    date_line: str | None,
) -> None:
    """Issuer names left (``(text, bold)`` lines), national name and motto right (Decree
    30/2020/NĐ-CP appendix I); the number under the issuer, the place and date under the motto.
    """
    top = pdf.get_y()
    size = 7.2 if pdf.epw < 150 else 9
    line = 3.5 if pdf.epw < 150 else 4.4
    # The right column is as wide as the national name; the issuer gets the rest.
    pdf.set_font(FONT, "B", size)
    right_w = pdf.get_string_width(NATIONAL_NAME) + 3
    left_w = pdf.epw - right_w
    right_x = pdf.l_margin + left_w

    pdf.set_xy(pdf.l_margin, top)
    for text, bold in issuer_lines:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(left_w, line, nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.rule(pdf.l_margin + left_w / 2, pdf.get_y() + 0.8, left_w * 0.35)
    pdf.set_y(pdf.get_y() + 2)
    if number is not None:
        pdf.set_font(FONT, "", size)
        pdf.multi_cell(left_w, line, nfc(f"Số: {number}"), align="C", new_x="LMARGIN")
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(right_w, line, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", size + 0.5)
    pdf.multi_cell(right_w, line, NATIONAL_MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    pdf.rule(right_x + right_w / 2, pdf.get_y() + 0.6, pdf.get_string_width(NATIONAL_MOTTO))
    pdf.set_y(pdf.get_y() + 2)
    if date_line is not None:
        pdf.set_x(right_x)
        pdf.set_font(FONT, "", size)
        pdf.multi_cell(right_w, line, nfc(date_line), align="C", new_x="LMARGIN")
    right_bottom = pdf.get_y()

    pdf.set_y(max(left_bottom, right_bottom) + 4)
    pdf.set_font(FONT, size=BODY_PT)


def balanced_lines(pdf: Document, text: str) -> str:
    """A title too wide for one line, broken into two lines of similar width (no orphan word)."""
    if pdf.get_string_width(text) <= pdf.epw - 2:
        return text
    words = text.split()
    best = min(
        range(1, len(words)),
        key=lambda i: max(
            pdf.get_string_width(" ".join(words[:i])), pdf.get_string_width(" ".join(words[i:]))
        ),
    )
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def document_title(pdf: Document, title: str) -> None:
    """The bold centred title, balanced over two lines when it is long."""
    pdf.set_font(FONT, "B", 10.5)
    pdf.centred(balanced_lines(pdf, title), bold=True, size=10.5)
    pdf.gap(1)


def signatures(pdf: Document, blocks: Sequence[tuple[str, str, str]]) -> None:
    """Signature columns: (role, hint, printed name); an empty role leaves a blank column."""
    height = 34
    pdf.gap(3)
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    width = pdf.epw / len(blocks)
    for index, (role, hint, name) in enumerate(blocks):
        x = pdf.l_margin + index * width
        if not role:
            continue
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", BODY_PT)
        pdf.multi_cell(width, LINE_MM, nfc(role), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 7.5)
        pdf.multi_cell(width, 3.6, nfc(hint), align="C", new_x="LEFT", new_y="NEXT")
        if name:
            pdf.set_xy(x, top + height - 6)
            pdf.set_font(FONT, "B", BODY_PT)
            pdf.multi_cell(width, LINE_MM, nfc(name), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, top + height)
    pdf.set_font(FONT, size=BODY_PT)


def table(
    pdf: Document,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    col_widths: Sequence[float],
    align: Sequence[str],
    size: float = TABLE_PT,
) -> None:
    """A bordered table; long cells wrap, rows flow onto new pages under a repeated heading."""
    pdf.set_font(FONT, "", size)
    with pdf.table(
        width=pdf.epw,
        col_widths=tuple(col_widths),
        text_align=tuple(align),
        headings_style=HEADING_STYLE,
        line_height=TABLE_LINE_MM * size / TABLE_PT,
        padding=(0.8, 1, 0.8, 1),
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        v_align="MIDDLE",
    ) as pdf_table:
        heading = pdf_table.row()
        for text in headings:
            heading.cell(nfc(text), align="C")
        for values in rows:
            row = pdf_table.row()
            for value in values:
                row.cell(nfc(value))
    pdf.set_font(FONT, size=BODY_PT)
    pdf.gap(1.5)


def qr_png(url: str) -> io.BytesIO:
    """A QR code of ``url`` as a PNG stream, for ``Document.image``."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


QR_MM = 20.0
QR_CAPTION_PT = 6


def qr_codes(pdf: Document, codes: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """Draw QR codes of ``(url, caption)`` side by side at the top right of the current line,
    each captioned below, the last one rightmost; return the (width, height) they take, so
    that the text beside them wraps before them and the text after them starts below."""
    if not codes:
        return 0.0, 0.0
    top = pdf.get_y()
    gap = 2.0
    right = pdf.w - pdf.r_margin
    caption_mm = QR_CAPTION_PT * 0.55
    for index, (url, caption) in enumerate(reversed(codes)):
        x = right - (index + 1) * QR_MM - index * gap
        pdf.image(qr_png(url), x=x, y=top, w=QR_MM, h=QR_MM, alt_text=nfc(caption))
        pdf.set_font(FONT, size=QR_CAPTION_PT)
        pdf.set_xy(x, top + QR_MM)
        pdf.cell(QR_MM, caption_mm, nfc(caption), align="C")
    pdf.set_font(FONT, size=BODY_PT)
    pdf.set_xy(pdf.l_margin, top)
    return len(codes) * (QR_MM + gap), QR_MM + caption_mm + 1
