"""Join PDF parts into one file as they come, in memory that does not grow with the parts.

A long document (a year's register: a thousand pages) is laid out in parts, each a complete PDF
of its own. ``PdfJoin`` copies each part's pages, and every object they use, straight to the
output, renumbered; what stays in memory is an offset per object written and the number of
each page, for the cross-reference table and the page tree written at the end. pypdf's
``PdfWriter`` keeps every part's pages and streams until it writes the file (issue 15 §3: the
register's peak grew about 3 MB per 1,000 rows).

Each part's fonts stay its own (fpdf2 embeds the subset of the glyphs a part uses); their subset
tags are renamed per part, so that two different subsets never share a font name in one file.
"""

from __future__ import annotations

import io
import re
from typing import IO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

_CATALOG, _PAGES = 1, 2
_SUBSET_TAG = re.compile(r"^/[A-Z]{6}\+")


class PdfJoin:
    """``PdfJoin(handle)``, ``append(part_bytes)`` for each part in order, then ``close()``."""

    def __init__(self, handle: IO[bytes], *, title: str = "") -> None:
        self.out = handle
        self.start = handle.tell()
        self.title = title
        self.offsets: list[int] = [0, 0, 0]  # by object number; 1 and 2 are written last
        self.pages: list[int] = []
        self.parts = 0
        self.lang: PdfObject | None = None
        self.info: DictionaryObject | None = None

    def _tell(self) -> int:
        return self.out.tell() - self.start

    def _reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _begin(self, number: int) -> None:
        self.offsets[number] = self._tell()
        self.out.write(b"%d 0 obj\n" % number)

    def append(self, part: bytes) -> int:
        """Copy the pages of one complete PDF (and all they use) to the output; how many."""
        reader = PdfReader(io.BytesIO(part))
        if not self.parts:
            self.out.write(reader.pdf_header.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
            root = reader.root_object
            self.lang = root.get("/Lang")
            info = reader.metadata
            self.info = DictionaryObject(
                {
                    NameObject(k): v
                    for k, v in (info or {}).items()
                    if not isinstance(v, IndirectObject)
                }
            )
        tag = _tag(self.parts)
        self.parts += 1
        numbers: dict[tuple[int, int], int] = {}
        pending: list[tuple[int, IndirectObject]] = []
        # Whatever points at the part's page tree points at the joined one.
        tree = reader.root_object.raw_get("/Pages")
        if isinstance(tree, IndirectObject):
            numbers[tree.idnum, tree.generation] = _PAGES

        def ref(old: IndirectObject) -> IndirectObject:
            key = (old.idnum, old.generation)
            new = numbers.get(key)
            if new is None:
                new = numbers[key] = self._reserve()
                pending.append((new, old))
            return IndirectObject(new, 0, None)

        def copy(value: PdfObject) -> PdfObject:
            # A direct object may be shared (pypdf puts a page tree's inherited /MediaBox on every
            # page): copied, never changed in place.
            if isinstance(value, IndirectObject):
                return ref(value)
            if isinstance(value, DictionaryObject):
                return DictionaryObject({k: copy(v) for k, v in value.items()})
            if isinstance(value, ArrayObject):
                return ArrayObject(copy(v) for v in value)
            if isinstance(value, NameObject) and _SUBSET_TAG.match(value):
                return NameObject(f"/{tag}+{value[8:]}")
            return value

        page_numbers: set[int] = set()
        page_objects: dict[int, PdfObject] = {}
        for page in reader.pages:
            assert page.indirect_reference is not None
            new = ref(page.indirect_reference).idnum
            page_numbers.add(new)
            # pypdf's page, with what it inherits from the part's page tree (/MediaBox).
            page_objects[new] = page
            self.pages.append(new)
        while pending:
            new, old = pending.pop()
            value = page_objects.pop(new) if new in page_objects else old.get_object()
            if isinstance(value, StreamObject):
                # A stream is always indirect, reached once: its dictionary is renumbered in
                # place and its (still compressed) data written as read.
                for key in list(value.keys()):
                    value[key] = copy(value[key])
                obj: PdfObject = value
            else:
                assert value is not None
                obj = copy(value)
            if new in page_numbers:
                assert isinstance(obj, DictionaryObject)
                obj[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            self._begin(new)
            obj.write_to_stream(self.out)
            self.out.write(b"\nendobj\n")
        return len(page_numbers)

    def close(self) -> None:
        """Write the page tree, the catalogue, the document information and the cross-reference
        table."""
        if not self.parts:
            raise ValueError("a PDF needs at least one part")
        self._begin(_PAGES)
        kids = " ".join(f"{number} 0 R" for number in self.pages)
        self.out.write(f"<< /Type /Pages /Count {len(self.pages)} /Kids [{kids}] >>".encode())
        self.out.write(b"\nendobj\n")
        self._begin(_CATALOG)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
                NameObject("/PageLayout"): NameObject("/OneColumn"),
            }
        )
        if self.lang is not None:
            catalog[NameObject("/Lang")] = self.lang
        catalog.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")
        info = self.info if self.info is not None else DictionaryObject()
        if self.title:
            info[NameObject("/Title")] = TextStringObject(self.title)
        info_number = self._reserve()
        self._begin(info_number)
        info.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")
        xref = self._tell()
        size = len(self.offsets)
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for offset in self.offsets[1:]:
            self.out.write(b"%010d 00000 n \n" % offset)
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, _CATALOG, info_number, xref)
        )


def _tag(index: int) -> str:
    """A six-letter font subset tag for part ``index`` (``IGAAAA``, ``IGAAAB`` …)."""
    letters = ""
    for _ in range(4):
        index, rest = divmod(index, 26)
        letters = chr(65 + rest) + letters
    return f"IG{letters}"
