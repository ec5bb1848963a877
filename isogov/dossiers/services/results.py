"""Results: refusal after appraisal, the result document, its approval and its return."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import ValidationFailed

from .. import deadlines
from ..models import Dossier, ReturnMethod, new_access_token
from ..permissions import signing_step
from ..transitions import RESULT_READY, Status
from ..uploads import check_file
from ._kernel import (
    _begin,
    _calendar,
    _event,
    _ruleset,
    _save,
    _transition,
)
from .notices import _finished_notice, _refusal_notice, _returned_notice
from .steps import _complete_current, _finish_step

RESULT_FILE_LABEL = gettext_lazy("Signed result file")


@transaction.atomic
def dossier_refuse(*, actor: User, code: str, version: int | None, reason: str) -> Dossier:
    """Refuse after appraisal, with the reasons; the refusal is returned like a result."""
    dossier, values = _begin(
        "refuse", actor=actor, code=code, version=version, data={"reason": reason}
    )
    reason = values["reason"]
    now = clock.now()
    _transition(
        dossier, to=Status.REFUSED, actor=actor, action="refuse", message=reason, reason=reason
    )
    if dossier.current_step is not None:
        _finish_step(dossier, dossier.current_step, actor=actor, at=now, note=reason)
    dossier.finished_at = now
    dossier.result_summary = reason
    _save(dossier, "status", "finished_at", "result_summary")
    _refusal_notice(dossier, reason=reason)
    return dossier


@transaction.atomic
def dossier_record_result(
    *,
    actor: User,
    code: str,
    version: int | None,
    number: str,
    signer: str,
    summary: str = "",
    file: UploadedFile | None = None,
) -> Dossier:
    """Record the result document (number, what it decides, who signed, the signed file)."""
    dossier, values = _begin(
        "record_result",
        actor=actor,
        code=code,
        version=version,
        data={"number": number, "summary": summary, "signer": signer, "file": file},
    )
    file = values.get("file")
    dossier.result_number, dossier.result_summary, dossier.result_signer = (
        values["number"],
        values["summary"],
        values["signer"],
    )
    dossier.result_approved_by = None
    dossier.result_approved_at = None
    if file is not None:
        # The electronic result the applicant downloads by the token once approved: checked
        # from its content and stored privately (uploads.py).
        checked = check_file(file, label=str(RESULT_FILE_LABEL), field="file")
        dossier.result_file.save(f"{dossier.code}.{checked.extension}", file, save=False)
    _event(dossier, actor=actor, action="record_result", data={"number": dossier.result_number})
    _save(
        dossier,
        "result_file",
        "result_number",
        "result_summary",
        "result_signer",
        "result_approved_by",
        "result_approved_at",
    )
    return dossier


@transaction.atomic
def dossier_approve_result(*, actor: User, code: str, version: int | None) -> Dossier:
    """Approve the result for release (ISO 9001 §8.6)."""
    dossier, _values = _begin("approve_result", actor=actor, code=code, version=version)
    dossier.result_approved_by = actor
    dossier.result_approved_at = clock.now()
    _event(dossier, actor=actor, action="approve_result")
    _save(dossier, "result_approved_by", "result_approved_at")
    signing = signing_step(dossier)
    current = dossier.current_step
    if signing is not None and current is not None and current.pk == signing.pk:
        # The approval is the signature: the signing step is done and the dossier moves on
        # (the applicant hears of the result when it is ready, ``_complete_current``).
        _complete_current(dossier, actor=actor, note="")
    elif dossier.status in RESULT_READY:
        # The applicant hears of the result once it may be released (ISO 9001 §8.6).
        _finished_notice(dossier)
    return dossier


COLLECTOR_ID_REQUIRED = gettext_lazy(
    "Handed over in person: enter the ID number of whoever collected the result."
)
TRACKING_REQUIRED = gettext_lazy("Sent by post: enter the postal tracking number.")


def _collection(method: str, values: dict[str, Any], dossier: Dossier) -> tuple[str, str, str]:
    """Who collected the result and the proof of it, by how it was handed over."""
    name = (values.get("collector_name") or "").strip()
    id_number = (values.get("collector_id_number") or "").strip()
    tracking = (values.get("tracking_number") or "").strip()
    if method == ReturnMethod.AT_DESK:
        if not name and not id_number:
            # The applicant in person, with the ID on file (checked at the desk).
            name, id_number = dossier.applicant_name, dossier.applicant_id_number
        if not id_number:
            message = str(COLLECTOR_ID_REQUIRED)
            raise ValidationFailed(message, details={"collector_id_number": [message]})
        return name or dossier.applicant_name, id_number, ""
    if method == ReturnMethod.POSTAL:
        if not tracking:
            message = str(TRACKING_REQUIRED)
            raise ValidationFailed(message, details={"tracking_number": [message]})
        return name, "", tracking
    return name, "", ""


@transaction.atomic
def dossier_return_result(
    *,
    actor: User,
    code: str,
    version: int | None,
    method: str,
    collector_name: str = "",
    collector_id_number: str = "",
    tracking_number: str = "",
) -> Dossier:
    """Hand the result over (in person with the collector's ID number, by post with the
    tracking number, or online) and record who collected it; classify the outcome."""
    dossier, values = _begin(
        "return_result",
        actor=actor,
        code=code,
        version=version,
        data={
            "method": method,
            "collector_name": collector_name,
            "collector_id_number": collector_id_number,
            "tracking_number": tracking_number,
        },
    )
    method = values["method"]
    (
        dossier.result_collector_name,
        dossier.result_collector_id_number,
        dossier.result_tracking_number,
    ) = _collection(method, values, dossier)
    now = clock.now()
    _transition(
        dossier,
        to=Status.RETURNED,
        actor=actor,
        action="return_result",
        message=dossier.result_collector_name,
        data={
            "method": method,
            "collector": dossier.result_collector_name,
            "tracking_number": dossier.result_tracking_number,
        },
    )
    if dossier.current_step is not None and dossier.current_step.finished_at is None:
        _finish_step(dossier, dossier.current_step, actor=actor, at=now)
    dossier.returned_at = now
    dossier.return_method = method
    if dossier.due_at is not None and dossier.finished_at is not None:
        # The rule set says whether an apology leaves the dossier late (the default).
        classified = deadlines.dossier_outcome(
            calendar=_calendar(dossier),
            finished_at=dossier.finished_at,
            legal_due_at=dossier.due_at,
            promised_due_at=dossier.promised_due_at,
            appointment_moved=dossier.appointment_moves > 0,
            late_after_apology=_ruleset(dossier).late_after_apology,
            amount=dossier.time_value,
            unit=dossier.time_unit,
        )
        dossier.outcome = classified.outcome
        dossier.late_by_seconds = classified.late_by_us // 1_000_000
    _save(
        dossier,
        "status",
        "returned_at",
        "return_method",
        "result_collector_name",
        "result_collector_id_number",
        "result_tracking_number",
        "outcome",
        "late_by_seconds",
    )
    _returned_notice(dossier)
    return dossier


def dossier_rating_token(dossier: Dossier) -> str:
    """The dossier's one-time rating token (Decree 61/2018 art. 31): the one its receipt
    printed, or one issued now for a dossier received before receipts printed it. Call it
    inside the caller's transaction; two callers at once get the same token."""
    if not dossier.rating_token:
        Dossier.objects.filter(pk=dossier.pk, rating_token__isnull=True).update(
            rating_token=new_access_token()
        )
        dossier.rating_token = Dossier.objects.values_list("rating_token", flat=True).get(
            pk=dossier.pk
        )
    return dossier.rating_token or ""
