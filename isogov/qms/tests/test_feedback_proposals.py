"""A feedback item answered late, or unanswered past its deadline, raises one nonconformity
proposal per month (Decision 766/QĐ-TTg indicator 5.2); an item answered in time raises none."""

from __future__ import annotations

from typing import Any

import time_machine

from isogov.dossiers.tests.conftest import at
from isogov.feedback.tests.helpers import run, submit
from isogov.qms.models import NcStatus, Nonconformity
from isogov.qms.services.proposals import nonconformities_propose


def test_late_feedback_is_proposed_once_per_month_and_grows(demo: Any) -> None:
    motcua = demo.user("motcua")
    unit = str(demo.department.units.get(code="BCXB").pk)
    in_time = submit(demo, at(4, 6, 10))
    run(in_time, at(4, 7, 9), "classify", motcua, kind="procedure", unit=unit)
    run(in_time, at(4, 10, 9), "answer", motcua, answer="Đúng hạn.")
    late = submit(demo, at(4, 6, 10))  # answer due Tue 28/4 17:00
    run(late, at(4, 7, 9), "classify", motcua, kind="procedure", unit=unit)
    run(late, at(4, 29, 9), "answer", motcua, answer="Muộn một ngày.")
    with time_machine.travel(at(5, 4, 9), tick=False):
        first = nonconformities_propose(agency=demo.department)
    nc = Nonconformity.objects.get(source="complaint")
    assert first.created == 1 and nc.status == NcStatus.PROPOSED
    assert nc.dossier_codes == [late.code] and nc.procedure is None
    assert nc.title.startswith("1 ") and str(nc.period_start) == "2026-04-01"
    unanswered = submit(demo, at(4, 7, 10))  # due Wed 29/4 17:00, still unanswered
    with time_machine.travel(at(5, 5, 9), tick=False):
        again = nonconformities_propose(agency=demo.department)
    nc.refresh_from_db()
    assert again.extended == 1 and nc.dossier_codes == sorted([late.code, unanswered.code])
    assert Nonconformity.objects.filter(source="complaint").count() == 1
