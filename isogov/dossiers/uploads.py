"""Files applicants and officers upload: checked from their content, stored privately.

- The type is read from the first bytes, never from the name or the browser's claim: PDF
  (``%PDF-``), JPEG (``FF D8 FF``), PNG (the 8-byte signature) and DOCX (a ZIP archive holding
  ``word/document.xml``). Anything else, an empty file, or one over the per-file limit is refused
  with a message naming the paper; so is a dossier whose files together pass the per-dossier
  limit (``ISOGOV_UPLOAD_MAX_FILE_BYTES``, ``ISOGOV_UPLOAD_MAX_DOSSIER_BYTES``, [A] settings).
- Files live in ``ISOGOV_PRIVATE_DIR`` (a storage without a URL): they are served only by views
  that check who asks (``dossiers.views.paper_file`` for staff, the portal's token views for the
  applicant), never under ``/media/``.
- ``staged_files`` writes them inside the caller's transaction and deletes what it wrote when
  the transaction fails, so a refused submission leaves neither rows nor files.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage
from django.http import FileResponse
from django.utils.functional import LazyObject
from django.utils.translation import gettext as _

from isogov.core.errors import NotFound, ValidationFailed

# name → (extension, content type)
TYPES = {
    "pdf": ("pdf", "application/pdf"),
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
# Shown in the browser; a DOCX is downloaded.
INLINE = frozenset({"application/pdf", "image/jpeg", "image/png"})
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no public address: ``url`` fails loudly instead of giving a /media/ one."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: serve them through a view that checks.")


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = PrivateFileSystemStorage(location=settings.ISOGOV_PRIVATE_DIR)


private_storage: Storage = _PrivateStorage()  # type: ignore[assignment]


def get_private_storage() -> Storage:
    """The storage of uploaded papers and results (the FileFields' ``storage`` callable)."""
    return private_storage


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks: its content type and the extension it is stored with."""

    file: File
    label: str  # the paper it is for
    kind: str
    size: int

    @property
    def content_type(self) -> str:
        return TYPES[self.kind][1]

    @property
    def extension(self) -> str:
        return TYPES[self.kind][0]


def sniff(file: File) -> str | None:
    """The file's type from its content (a key of ``TYPES``), or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        return "docx" if "word/document.xml" in names else None
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def check_file(file: File, *, label: str, field: str) -> Checked:
    """Check one upload for the paper ``label``; ``ValidationFailed`` naming ``field`` if not."""
    size = file.size or 0
    limit = settings.ISOGOV_UPLOAD_MAX_FILE_BYTES
    message = None
    kind = None
    if size == 0:
        message = _("“%(paper)s”: the file is empty.") % {"paper": label}
    elif size > limit:
        message = _("“%(paper)s”: the file is %(size)s MB, over the limit of %(limit)s MB.") % {
            "paper": label,
            "size": _megabytes(size),
            "limit": _megabytes(limit),
        }
    else:
        kind = sniff(file)
        if kind is None:
            message = _(
                "“%(paper)s”: the file is not a PDF, JPEG, PNG or DOCX document (its content "
                "was checked, not its name)."
            ) % {"paper": label}
    if message is not None or kind is None:
        raise ValidationFailed(message, details={field: [message]})
    return Checked(file=file, label=label, kind=kind, size=size)


def check_total(checked: list[Checked], *, field: str = "files", already: int = 0) -> None:
    """The per-dossier limit over the files of one submission (plus those stored before)."""
    total = already + sum(item.size for item in checked)
    limit = settings.ISOGOV_UPLOAD_MAX_DOSSIER_BYTES
    if total > limit:
        message = _("The files together are %(size)s MB, over the limit of %(limit)s MB.") % {
            "size": _megabytes(total),
            "limit": _megabytes(limit),
        }
        raise ValidationFailed(message, details={field: [message]})


class Stager:
    """Writes checked files to the private storage and remembers their names."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def save(self, checked: Checked, *, folder: str) -> str:
        name = private_storage.save(
            f"{folder}/{uuid.uuid4().hex}.{checked.extension}", checked.file
        )
        self.written.append(name)
        return name


@contextmanager
def staged_files() -> Iterator[Stager]:
    """Use inside ``transaction.atomic``: what was written is deleted if the block fails."""
    stager = Stager()
    try:
        yield stager
    except BaseException:
        for name in stager.written:
            private_storage.delete(name)
        raise


def original_name(file: File) -> str:
    """The applicant's file name, for display only (never used as a path)."""
    name = (getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200]


def content_type_of(name: str) -> str:
    """The content type of a stored file from the extension it was stored with."""
    extension = name.rsplit(".", 1)[-1].lower()
    for ext, content_type in TYPES.values():
        if ext == extension:
            return content_type
    return "application/octet-stream"


def file_response(name: str, *, download_name: str = "") -> FileResponse:
    """A stored private file, after the caller checked who asks; 404 if it is gone.

    PDF and images open in the browser, a DOCX downloads; the response may not be cached by
    shared caches, sniffed as another type, or run anything (a sandbox CSP)."""
    if not name or not private_storage.exists(name):
        raise NotFound()
    content_type = content_type_of(name)
    filename = download_name or name.rsplit("/", 1)[-1]
    response = FileResponse(
        private_storage.open(name, "rb"),
        content_type=content_type,
        as_attachment=content_type not in INLINE,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response
