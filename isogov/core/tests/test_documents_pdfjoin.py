"""Joining PDF parts as they come: pages in order, text intact, each part's font its own."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from isogov.core.documents.pdf import FONT, Document
from isogov.core.documents.pdfjoin import PdfJoin


def _part(words: list[str]) -> bytes:
    pdf = Document(
        page_format="A4",
        orientation="landscape",
        corner_label="",
        title="Phần",
        number_pages=False,
    )
    for index, word in enumerate(words):
        if index:
            pdf.add_page()
        pdf.set_font(FONT, "B" if index % 2 else "", 12)
        pdf.cell(text=word)
    return bytes(pdf.output())


def test_parts_join_into_one_file_that_a_strict_reader_opens() -> None:
    parts = [
        ["Nguyễn Thị Hồng", "Trần Văn Đức"],
        ["Phòng Báo chí – Xuất bản"],
        ["Ưu tiên", "Ổn", "Ý"],
    ]
    buffer = io.BytesIO(b"junk before")  # the file may start anywhere in the handle
    buffer.seek(0, io.SEEK_END)
    joined = PdfJoin(buffer, title="Sổ theo dõi hồ sơ 2026 – Sở Tư pháp")
    counts = [joined.append(_part(words)) for words in parts]
    joined.close()
    assert counts == [2, 1, 3]
    reader = PdfReader(io.BytesIO(buffer.getvalue()[len(b"junk before") :]), strict=True)
    texts = [page.extract_text() for page in reader.pages]
    assert texts == [word for words in parts for word in words]
    assert reader.metadata is not None
    assert reader.metadata.title == "Sổ theo dõi hồ sơ 2026 – Sở Tư pháp"
    assert reader.root_object["/Lang"] == "vi"
    # Every page's size came through (fpdf2 puts it on the page tree, inherited).
    assert {tuple(round(float(x)) for x in page.mediabox) for page in reader.pages} == {
        (0, 0, 842, 595)
    }
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Two styles in each of the first and last parts, one in the second: five subsets.
    assert len(fonts) == 5 and all(name.startswith("/IGAAA") for name in fonts)


def test_a_join_without_parts_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        PdfJoin(io.BytesIO()).close()
