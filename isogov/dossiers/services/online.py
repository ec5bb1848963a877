"""Online submission by the applicant (docs/online-submission.md; Decree 118/2025 art. 17.2,
vn-one-stop-rules.md §2 and §7): the draft with its uploaded papers, the one-time code that
confirms the e-mail or the phone, the submission (status 1 "submitted online", action
``submit_online``) and the supplement uploaded by the dossier's link (``supplement_online``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency
from isogov.catalog.intake import IntakePlanError, intake_plan
from isogov.core import clock
from isogov.core.errors import ConflictError, NotFound, ValidationFailed
from isogov.notifications.models import Channel
from isogov.notifications.services import outbox_enqueue

from ..applicants import ApplicantInvalid, applicant_clean
from ..models import Dossier, DossierPaper, OnlineDraft, OnlineDraftPaper
from ..online import awaiting_papers
from ..uploads import Checked, check_file, check_total, original_name, private_storage, staged_files
from ._kernel import NO_CHANNEL, _begin, _event, _local, _save
from .intake import ApplicantInput, IntakeInput, PaperInput, dossier_submit_online

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
BAD_KEY = gettext_lazy("The form has expired: open it again.")
CODE_FORMAT = gettext_lazy("Enter the 6-digit code.")
CODE_WRONG = gettext_lazy("The code is not right: %(left)d attempts left.")
CODE_EXPIRED = gettext_lazy("The code has expired: ask for a new one.")
CODE_SPENT = gettext_lazy("Too many wrong codes: ask for a new one.")
TOO_MANY_CODES = gettext_lazy("Too many codes were sent for this submission: start again.")
NO_CONTACT = gettext_lazy("Give the e-mail address or the phone number to confirm.")
PAPER_REQUIRED = gettext_lazy("“%(paper)s”: attach the file (the paper is required).")
NOTHING_UPLOADED = gettext_lazy("Attach at least one of the papers asked for.")
NOT_AWAITED = gettext_lazy("The agency is not waiting for papers from you on this dossier.")


def _hash(draft: OnlineDraft, code: str) -> str:
    return salted_hmac("isogov.online-code", f"{draft.token}:{code}").hexdigest()


def _applicant_errors(error: ApplicantInvalid) -> ValidationFailed:
    first = next(iter(error.errors.values()))[0]
    return ValidationFailed(
        first, details={f"applicant.{name}": messages for name, messages in error.errors.items()}
    )


def _check_uploads(
    names: list[str], files: Mapping[int, File | None], *, required: list[bool], already: int = 0
) -> list[tuple[int, Checked]]:
    """Check every file before anything is written; the first error names its paper."""
    checked: list[tuple[int, Checked]] = []
    for index, name in enumerate(names):
        file = files.get(index)
        field = f"paper_{index}"
        if file is None:
            if required[index]:
                message = PAPER_REQUIRED % {"paper": name}
                raise ValidationFailed(message, details={field: [message]})
            continue
        checked.append((index, check_file(file, label=name, field=field)))
    check_total([item for _index, item in checked], already=already)
    return checked


def _send_code(draft: OnlineDraft) -> None:
    """A new one-time code to the contact being confirmed (the outbox: e-mail or SMS)."""
    if draft.codes_sent >= settings.ISOGOV_OTP_MAX_SENDS:
        raise ValidationFailed(TOO_MANY_CODES, details={"code": [str(TOO_MANY_CODES)]})
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.ISOGOV_OTP_TTL_MINUTES
    draft.code_hash = _hash(draft, code)
    draft.code_expires_at = clock.now() + dt.timedelta(minutes=minutes)
    draft.code_attempts = 0
    draft.codes_sent += 1
    draft.save(
        update_fields=["code_hash", "code_expires_at", "code_attempts", "codes_sent", "updated_at"]
    )
    with translation.override("vi"):
        body = _(
            "%(agency)s: your confirmation code for the online submission is %(code)s "
            "(valid for %(minutes)d minutes). Do not give it to anyone."
        ) % {"agency": draft.agency.name, "code": code, "minutes": minutes}
        subject = _("Confirmation code for your online submission")
    outbox_enqueue(
        channel=draft.confirm_channel,
        recipient=draft.confirm_recipient,
        subject=subject if draft.confirm_channel == Channel.EMAIL else "",
        body=body,
        agency_code=draft.agency.code,
        object_type="dossiers.onlinedraft",
        object_id=str(draft.pk),
    )


def online_draft_create(
    *,
    agency: Agency,
    procedure_code: str,
    channel_kind: str,
    applicant: ApplicantInput,
    request_summary: str,
    confirm_by: str,
    files: Mapping[int, File | None],
    idempotency_key: str,
) -> OnlineDraft:
    """The applicant's details and papers, checked, stored, and a code sent to confirm.

    Every file is checked (content type, size, the dossier's total) before any is written; the
    files and rows are written in one transaction and the files deleted if it fails. The same
    idempotency key again returns the draft it made, nothing new."""
    if not KEY_PATTERN.match(idempotency_key or ""):
        raise ValidationFailed(BAD_KEY, details={"idempotency_key": [str(BAD_KEY)]})
    existing = OnlineDraft.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        plan = intake_plan(
            agency=agency, procedure_code=procedure_code, channel_kind=channel_kind, at=clock.now()
        )
    except IntakePlanError as error:
        raise ValidationFailed(NO_CHANNEL, details={"procedure_code": [str(NO_CHANNEL)]}) from error
    try:
        clean = applicant_clean(
            name=applicant.name,
            kind=applicant.kind,
            id_number=applicant.id_number,
            phone=applicant.phone,
            email=applicant.email,
        )
    except ApplicantInvalid as error:
        raise _applicant_errors(error) from error
    recipient = clean.email if confirm_by == Channel.EMAIL else clean.phone
    if confirm_by not in Channel.values or not recipient:
        raise ValidationFailed(NO_CONTACT, details={"confirm_by": [str(NO_CONTACT)]})
    names = [paper.name for paper in plan.papers]
    checked = _check_uploads(names, files, required=[paper.is_required for paper in plan.papers])
    try:
        with staged_files() as stager, transaction.atomic():
            draft = OnlineDraft.objects.create(
                idempotency_key=idempotency_key,
                agency=agency,
                procedure_code=procedure_code,
                channel_kind=plan.channel_kind,
                applicant={
                    "name": clean.name,
                    "kind": applicant.kind,
                    "id_number": clean.id_number,
                    "address": applicant.address.strip()[:500],
                    "phone": clean.phone,
                    "email": clean.email,
                    "representative_name": applicant.representative_name.strip()[:200],
                },
                request_summary=request_summary.strip()[:500],
                confirm_channel=confirm_by,
                confirm_recipient=recipient,
            )
            OnlineDraftPaper.objects.bulk_create(
                [
                    OnlineDraftPaper(
                        draft=draft,
                        name=names[index],
                        file=stager.save(item, folder="online"),
                        file_name=original_name(item.file),
                        size=item.size,
                    )
                    for index, item in checked
                ]
            )
            _send_code(draft)
    except IntegrityError:
        # The same form sent twice at once: the other request made the draft.
        existing = OnlineDraft.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return draft


@transaction.atomic
def online_code_resend(*, token: str) -> OnlineDraft:
    """A new code (the old one stops working); at most ``ISOGOV_OTP_MAX_SENDS`` per draft."""
    draft = (
        OnlineDraft.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(token=token)
    )
    if draft.dossier_id is None:
        _send_code(draft)
    return draft


def _code_problem(draft: OnlineDraft, code: str) -> str | None:
    """Why ``code`` does not confirm the draft (counting a wrong attempt), or None."""
    if draft.code_attempts >= settings.ISOGOV_OTP_MAX_ATTEMPTS or not draft.code_hash:
        return str(CODE_SPENT)
    if draft.code_expires_at is None or clock.now() >= draft.code_expires_at:
        return str(CODE_EXPIRED)
    if constant_time_compare(_hash(draft, code), draft.code_hash):
        return None
    draft.code_attempts += 1
    draft.save(update_fields=["code_attempts", "updated_at"])
    left = settings.ISOGOV_OTP_MAX_ATTEMPTS - draft.code_attempts
    return str(CODE_SPENT) if left <= 0 else str(CODE_WRONG % {"left": left})


def online_draft_confirm(*, token: str, code: str) -> Dossier:
    """The code confirms the contact: the dossier is submitted online (status 1) with its
    tracking reference. Confirming again returns the same dossier; a wrong code is counted
    (committed) before it is refused."""
    code = (code or "").strip()
    with transaction.atomic():
        draft = (
            OnlineDraft.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(token=token)
        )
        if draft.dossier_id is not None:
            return Dossier.objects.select_related("agency").get(pk=draft.dossier_id)
        if not re.fullmatch(r"\d{6}", code):
            problem: str | None = str(CODE_FORMAT)
        else:
            problem = _code_problem(draft, code)
        if problem is None:
            return _submit(draft)
    raise ValidationFailed(problem, details={"code": [problem]})


def _submit(draft: OnlineDraft) -> Dossier:
    applicant = draft.applicant
    data = IntakeInput(
        agency=draft.agency,
        procedure_code=draft.procedure_code,
        channel_kind=draft.channel_kind,
        applicant=ApplicantInput(
            name=applicant["name"],
            kind=applicant.get("kind", "individual"),
            id_number=applicant.get("id_number", ""),
            address=applicant.get("address", ""),
            phone=applicant.get("phone", ""),
            email=applicant.get("email", ""),
            representative_name=applicant.get("representative_name", ""),
        ),
        papers=[
            # An electronic copy of each paper (Decree 45/2020/NĐ-CP on online procedures);
            # originals, where the procedure needs them, are checked when the result is handed over.
            PaperInput(paper.name, copies=1, scan=paper.file.name, scan_name=paper.file_name)
            for paper in draft.papers.all()
        ],
        request_summary=draft.request_summary,
    )
    dossier = dossier_submit_online(data=data)
    draft.dossier = dossier
    draft.code_hash = ""
    draft.save(update_fields=["dossier", "code_hash", "updated_at"])
    _acknowledge(draft, dossier)
    return dossier


def _acknowledge(draft: OnlineDraft, dossier: Dossier) -> None:
    """The portal's acknowledgement: the tracking code, the desk's time to decide, the link."""
    from django.urls import reverse

    link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "portal:submission-status", args=[dossier.access_token]
    )
    with translation.override("vi"):
        body = _(
            "%(agency)s received your online submission %(reference)s (%(procedure)s). The "
            "one-stop desk will check it by %(due)s. Follow it at %(link)s"
        ) % {
            "agency": dossier.agency.name,
            "reference": dossier.reference,
            "procedure": dossier.procedure_name,
            "due": _local(dossier.intake_due_at) if dossier.intake_due_at else "—",
            "link": link,
        }
        subject = _("Online submission %(reference)s") % {"reference": dossier.reference}
    outbox_enqueue(
        channel=draft.confirm_channel,
        recipient=draft.confirm_recipient,
        subject=subject if draft.confirm_channel == Channel.EMAIL else "",
        body=body,
        agency_code=dossier.agency.code,
        object_type="dossiers.dossier",
        object_id=str(dossier.pk),
    )


def dossier_supplement_online(*, token: str, files: Mapping[int, File | None]) -> Dossier:
    """The applicant uploads the papers the agency asked for (form 02) by the dossier's link.

    The papers are attached to the dossier (checked and stored like a submission's) and the
    timeline says so; the desk then records "supplement received" (or accepts the dossier
    returned for completion), where the clock restarts (Decree 61/2018 art. 19.4)."""
    with staged_files() as stager, transaction.atomic():
        found = Dossier.objects.select_for_update().filter(access_token=token).first()
        if found is None:
            raise NotFound()
        dossier, _values = _begin(
            "supplement_online", actor=None, code=found.code, version=found.version
        )
        names = awaiting_papers(dossier)
        if not names:
            raise ConflictError(NOT_AWAITED, code="invalid_transition")
        if not any(files.get(index) for index in range(len(names))):
            raise ValidationFailed(NOTHING_UPLOADED, details={"paper_0": [str(NOTHING_UPLOADED)]})
        stored = sum(
            private_storage.size(paper.scan.name)
            for paper in dossier.papers.exclude(scan="")
            if private_storage.exists(paper.scan.name)
        )
        checked = _check_uploads(names, files, required=[False] * len(names), already=stored)
        now = clock.now()
        DossierPaper.objects.bulk_create(
            [
                DossierPaper(
                    dossier=dossier,
                    name=names[index],
                    copies=1,
                    scan=stager.save(item, folder="dossiers/papers"),
                    scan_name=original_name(item.file),
                    uploaded_at=now,
                )
                for index, item in checked
            ]
        )
        uploaded = [names[index] for index, _item in checked]
        _event(
            dossier,
            actor=None,
            action="supplement_online",
            message=_("Papers uploaded online: %(papers)s") % {"papers": "; ".join(uploaded)},
            data={"items": uploaded},
        )
        _save(dossier)
        return dossier
