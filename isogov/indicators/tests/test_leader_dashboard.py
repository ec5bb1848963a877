"""The agency leader's dashboard: registry figures, each number opening the dossiers behind it,
in a handful of queries; and the dossier list's filters that those links use."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isogov.accounts.services import unit_create
from isogov.dossiers.tests.conftest import at
from isogov.indicators.registry import Scope, codes, evaluate_all, evaluate_units

from .conftest import March, receive

pytestmark = pytest.mark.django_db

NOW = at(3, 31, 15)


def _dashboard(client: Any, desk: Any) -> Any:
    client.force_login(desk.user("lanhdao"))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return response


def _codes(client: Any, url: str) -> set[str]:
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200, response.content
    return {d.code for d in response.context["results"]}


def test_the_figures_are_the_registrys_and_each_opens_its_dossiers(
    client: Any, desk: Any, march: March
) -> None:
    leader = _dashboard(client, desk).context["leader"]
    agency = desk.department
    with time_machine.travel(NOW, tick=False):
        this = {
            r.code: r
            for r in evaluate_all(
                Scope(agency=agency),
                at(3, 1, 0).date(),
                NOW.date(),
                only=["2.1", "count.received", "count.finished", "count.overdue_at_end"],
            )
        }
    assert leader["on_time"] == this["2.1"]
    rows = {this_.code: (this_, last, url) for this_, last, url, _ in leader["comparison"]}
    m = march
    expected = {
        "count.received": {
            m.at_appointment,
            m.late_one_minute,
            m.open_within,
            m.open_overdue,
            m.withdrawn,
        },
        "count.finished": {m.at_appointment, m.late_one_minute},
        "count.overdue_at_end": {m.open_overdue},
    }
    for code, dossiers in expected.items():
        figure, _last, url = rows[code]
        assert figure == this[code]
        assert figure.value == len(dossiers)
        assert _codes(client, url) == {d.code for d in dossiers}, code
    # February: F received and finished.
    assert (rows["count.received"][1].value, rows["count.finished"][1].value) == (1, 1)
    # The overdue list names who holds each dossier.
    ((dossier, holder),) = leader["overdue_rows"]
    assert dossier.code == m.open_overdue.code and holder
    # The 766 groups add up to the total.
    assert sum(g.points or 0 for g in leader["groups"]) == leader["total_points"]
    assert [g.number for g in leader["groups"]] == ["1", "2", "3", "4", "5"]


def test_a_handful_of_queries_however_many_dossiers(client: Any, desk: Any, march: March) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _dashboard(client, desk)
        return len(queries)

    count()  # the first request of a process also loads what every later one reuses
    before = count()
    for day in (10, 11, 12, 13):
        receive(desk, at(3, day, 9))
    assert count() == before
    # Bounded, not by the dossiers nor by the units: the session and the queue's counts (~15),
    # the registry's aggregates (this month and last: 3 each; the year's 766 set: ~14; every
    # unit at once: its stored days and today's 3 grouped counts), the look-up of each period's
    # daily snapshots (1 each) and the overdue list (2, and its rows).
    assert before <= 58, before
    unit_create(actor=None, agency=desk.department, code="PX", name="Phòng thêm", is_one_stop=False)
    assert count() == before


def test_the_units_are_ranked_by_their_own_steps_by_hand(
    client: Any, desk: Any, march: March
) -> None:
    """March to 31/3 15:00. Counted steps of a unit (the last, uncounted return step left out):
    MC received A, B (finished on time), D1 (due 30/3 11:00) and D2 (due 25/3 11:00), both
    open and past due now; E's step is open but E was withdrawn and stopped, so it is not. BCXB
    finished four steps of A on time and four of B, the last one minute late; VP one of each."""
    leader = _dashboard(client, desk).context["leader"]
    rows = {row["unit"].code: row for row in leader["units"]}
    expected = {  # unit: (on time, handled, overdue now, rate)
        "MC": (2, 4, 2, "50.00"),
        "BCXB": (7, 8, 0, "87.50"),
        "VP": (2, 2, 0, "100.00"),
    }
    for code, (on_time, handled, overdue, rate) in expected.items():
        row = rows[code]
        assert (row["rate"].numerator, row["rate"].denominator) == (on_time, handled), code
        assert str(row["rate"].value) == rate
        assert (row["handled"].value, row["overdue"].value) == (handled, overdue), code
    # Ranked by the rate, best first; a unit with no step last.
    ranked = [row["unit"].code for row in leader["units"]]
    assert ranked[:3] == ["VP", "BCXB", "MC"]
    assert all(row["rate"].value is None for row in leader["units"][3:])
    # Each number opens the dossiers of those steps.
    m = march
    lists = {
        ("MC", "handled_url"): {m.at_appointment, m.late_one_minute, m.open_within, m.open_overdue},
        ("MC", "overdue_url"): {m.open_within, m.open_overdue},
        ("BCXB", "handled_url"): {m.at_appointment, m.late_one_minute},
        ("BCXB", "overdue_url"): set(),
    }
    for (code, key), dossiers in lists.items():
        url = rows[code][key]
        if not dossiers:
            with time_machine.travel(NOW, tick=False):
                response = client.get(url)
            assert response.status_code == 200 and not response.context["results"]
            continue
        assert _codes(client, url) == {d.code for d in dossiers}, (code, key)


def test_the_units_grouped_figures_are_each_units_own(desk: Any, march: March) -> None:
    """``evaluate_units`` (grouped, no stored day here: live) equals each unit's own scope, this
    month and February (closed: F's steps, all on time, none open at its end)."""
    agency = desk.department
    units = list(agency.units.all())
    steps = codes("steps")
    for period in ((at(3, 1, 0).date(), NOW.date()), (at(2, 1, 0).date(), at(2, 28, 0).date())):
        with time_machine.travel(NOW, tick=False):
            grouped = evaluate_units(agency, units, *period, only=steps)
            for unit in units:
                alone = evaluate_all(Scope(agency=agency, unit=unit), *period, only=steps)
                assert grouped[unit.pk] == alone, unit.code
    february = {u.code: rs for u in units for rs in [grouped[u.pk]]}
    assert [r.value for r in february["BCXB"]] == [100, 4, 0]
    assert [r.value for r in february["MC"]] == [100, 1, 0]


def test_an_officer_sees_no_leader_figures(client: Any, desk: Any) -> None:
    client.force_login(desk.user("motcua"))
    response = client.get("/dashboard/")
    assert "leader" not in response.context
    assert 'id="leader-dashboard"' not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("received_from=2026-13-01", "received_from"),
        ("received_to=31/02/2026", "received_to"),
        ("received_to=2026/03/31", "received_to"),
        ("finished_from=2026-03-05&finished_to=2026-03-01", "finished_to"),
        ("overdue=yes", "overdue"),
        ("received_from=" + "9" * 40, "received_from"),
    ],
)
def test_bad_filters_say_so_and_never_fail(client: Any, desk: Any, query: str, field: str) -> None:
    client.force_login(desk.user("lanhdao"))
    response = client.get(f"/dossiers/search/?{query}")
    assert response.status_code == 400
    assert field in response.context["filters"].errors
    assert 'id="filter-errors"' in response.content.decode()


def test_the_city_leader_ranks_the_agencies_and_drills_down(
    client: Any, desk: Any, march: March
) -> None:
    receive(desk, at(3, 10, 9))
    client.force_login(desk.user("thanhpho"))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/dashboard/")
        city = response.context["city"]
        (row,) = city["rows"]  # only the department has dossiers
        year = evaluate_all(Scope(agency=desk.department), at(1, 1, 0).date(), NOW.date())
        assert row["total"] == sum(r.points for r in year if r.points is not None)
        assert row["rate"] == next(r for r in year if r.code == "2.1")
        assert (row["total_rank"], row["rate_rank"]) == (1, 1)
        drill = client.get(row["url"])
        assert drill.status_code == 200
        assert drill.context["leader"]["on_time"].value is not None
        assert client.get(f"/dashboard/agency/{desk.other.code}/").status_code == 200
    # An agency leader sees no city and may not open another agency's dashboard.
    client.force_login(desk.user("lanhdao"))
    with time_machine.travel(NOW, tick=False):
        assert "city" not in client.get("/dashboard/").context
        assert client.get(f"/dashboard/agency/{desk.department.code}/").status_code == 200
        assert client.get(f"/dashboard/agency/{desk.other.code}/").status_code == 404
    client.force_login(desk.user("motcua"))
    assert client.get(f"/dashboard/agency/{desk.department.code}/").status_code == 404


def _open_steps_by_hand(agency: Any, cutoff: Any) -> dict[int, set[int]]:
    """Unit id → the ids of its counted steps open at ``cutoff``, step by step in Python
    (docs/indicators.md, "Units ranked by their steps"): received before it, not finished by it,
    the dossier not ended by it (a stopped dossier ends at its stop), and not waiting for a
    supplement then."""
    from isogov.dossiers.models import ClockStop, DossierStep
    from isogov.dossiers.transitions import Status

    found: dict[int, set[int]] = {}
    waiting = {  # the dossiers waiting for a supplement at the cut-off
        stop.dossier_id
        for stop in ClockStop.objects.filter(dossier__agency=agency)
        if stop.started_at < cutoff and (stop.ended_at is None or stop.ended_at >= cutoff)
    }
    steps = DossierStep.objects.filter(
        dossier__agency=agency, is_counted=True, unit__isnull=False
    ).select_related("dossier")
    for step in steps:
        d = step.dossier
        later = d.stopped_at if d.status == Status.STOPPED else d.returned_at
        ended = d.finished_at or later
        if (
            step.received_at is not None
            and step.received_at < cutoff
            and (step.finished_at is None or step.finished_at >= cutoff)
            and (ended is None or ended >= cutoff)
            and d.pk not in waiting
        ):
            found.setdefault(step.unit_id, set()).add(step.pk)  # type: ignore[arg-type]
    return found


def test_a_step_open_at_a_past_days_end_counts_though_its_dossier_stopped_since(
    desk: Any, march: March
) -> None:
    """E was received on 3/3 and stopped on 3/4 at 10:00; its step is never finished. At 3/3's
    end it was open (its dossier stopped after that cut-off: ``listing.not_ended_by``), at
    3/4's end no longer. Today's parts read the open steps from the dossiers still running;
    a past day's, also from those finished or stopped since."""
    from isogov.dossiers.models import DossierStep
    from isogov.indicators import queries
    from isogov.indicators.registry import Context

    e_step = DossierStep.objects.get(
        dossier=march.withdrawn, finished_at__isnull=True, received_at__isnull=False
    )
    with time_machine.travel(NOW, tick=False):
        for day, e_open in ((3, True), (4, False)):
            ctx = Context(Scope(agency=desk.department), at(3, day, 9).date(), at(3, day, 9).date())
            counted = {
                unit: counts["steps_open"]
                for unit, counts in queries.step_counts_by_unit(ctx).items()
                if counts["steps_open"]
            }
            by_hand = _open_steps_by_hand(desk.department, ctx.cutoff)
            assert counted == {unit: len(ids) for unit, ids in by_hand.items()}, day
            assert (e_step.pk in by_hand.get(e_step.unit_id, set())) is e_open, day
