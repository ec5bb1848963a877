"""Periods composed from daily snapshots equal the live computation (docs/indicators.md).

Over generated history (``demo_generate``, a few hundred dossiers from December 2025 to
20/3/2026, through Tết on 17/2/2026): the daily snapshots are backfilled, then the figures of a
closed month, a quarter to date (today read live) and a Decision 766 year crossing Tết, composed
from the days, are compared with ``compute_all`` over the dossiers, measure by measure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F

from isogov.core import clock
from isogov.dossiers.generator import demo_generate
from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import Status
from isogov.indicators import queries, rollup
from isogov.indicators.models import IndicatorSnapshot
from isogov.indicators.registry import (
    Context,
    Scope,
    codes,
    compute_all,
    evaluate_all,
    evaluate_units,
)
from isogov.indicators.services import snapshot_take, snapshots_backfill

pytestmark = pytest.mark.django_db

UNTIL = dt.datetime(2026, 3, 20, 11, 0, tzinfo=clock.LOCAL_TZ)
NOW = dt.datetime(2026, 3, 20, 15, 0, tzinfo=clock.LOCAL_TZ)
HISTORY = (dt.date(2025, 12, 1), dt.date(2026, 3, 19))
PERIODS = {
    "a closed month (Tết)": (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    "a quarter to date": (dt.date(2026, 1, 1), dt.date(2026, 3, 20)),
    "a year crossing Tết": (dt.date(2025, 12, 1), dt.date(2026, 11, 30)),
    "a closed week": (dt.date(2026, 2, 9), dt.date(2026, 2, 15)),
}


@pytest.fixture
def history(desk: Any) -> Any:
    demo_generate(agency=desk.department, dossiers=300, months=3, seed=11, until=UNTIL)
    return desk.department


def _figures(results: list[Any]) -> dict[str, dict[str, Any]]:
    return {r.code: r.as_dict() for r in results}


@pytest.mark.parametrize("period", PERIODS, ids=list(PERIODS))
def test_a_period_composed_from_daily_snapshots_equals_the_live_figures(
    history: Any, period: str
) -> None:
    scope = Scope(agency=history)
    date_from, date_to = PERIODS[period]
    with time_machine.travel(NOW, tick=False):
        stored = snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1])
        assert stored == (HISTORY[1] - HISTORY[0]).days + 1
        parts = rollup.period_parts(history, date_from, date_to)
        assert parts is not None
        composed = _figures(rollup.compose(scope, date_from, date_to, codes("")) or [])
        live = _figures(compute_all(scope, date_from, date_to, group_prefix=""))
        through_registry = _figures(evaluate_all(scope, date_from, date_to, group_prefix=""))
    assert list(composed) == list(live) == codes("")
    for code in sorted(rollup.COMPOSED | rollup.PARTLY_COMPOSED):
        assert composed[code] == live[code], code
    assert composed == live
    assert through_registry == live
    # The figures are not all empty: the history has dossiers, some late, some open.
    assert live["count.received"]["numerator"] > 0
    assert live["2.1"]["denominator"] > live["2.1"]["numerator"] > 0
    assert live["2.2"]["denominator"] > 0
    assert composed["2.1"]["points"] is not None


def test_stock_measures_come_from_the_last_day(history: Any) -> None:
    scope = Scope(agency=history)
    with time_machine.travel(NOW, tick=False):
        snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1])
        stocks = ["count.open_at_end", "count.overdue_at_end"]
        for date_from, date_to in [
            (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
            (dt.date(2026, 1, 1), dt.date(2026, 3, 20)),  # ends today: now
        ]:
            composed = rollup.compose(scope, date_from, date_to, stocks)
            assert composed is not None
            live = compute_all(scope, date_from, date_to, only=stocks)
            last_day = compute_all(scope, date_to, date_to, only=stocks)
            assert [r.value for r in composed] == [r.value for r in live]
            assert [r.value for r in composed] == [r.value for r in last_day]
            assert composed[0].value > 0
        # Stocks are not summed: the month's open count is 31/1's, far below the sum of its days.
        january = rollup.period_parts(history, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        assert january is not None
        assert sum(p["open_at_end"] for p in january) > january[-1]["open_at_end"]


def test_a_stored_day_is_not_recomputed(history: Any) -> None:
    scope = Scope(agency=history)
    february = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with time_machine.travel(NOW, tick=False):
        snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1])
        before = evaluate_all(scope, *february, only=["2.1", "count.finished"])
        stored = dict(
            IndicatorSnapshot.objects.filter(date_from=dt.date(2026, 2, 10)).values_list(
                "pk", "parts"
            )
        )
        # Dossiers finished in February are then recorded as finished a day later, after
        # their appointment: the live figures change, the stored days do not.
        moved = (
            Dossier.objects.filter(agency=history)
            .exclude(status=Status.STOPPED)
            .filter(
                finished_at__gte=dt.datetime(2026, 2, 2, tzinfo=clock.LOCAL_TZ),
                finished_at__lt=dt.datetime(2026, 2, 27, tzinfo=clock.LOCAL_TZ),
            )
        )
        assert moved.exists()
        for dossier in moved:
            Dossier.objects.filter(pk=dossier.pk).update(
                finished_at=dossier.finished_at + dt.timedelta(days=1),
                due_at=dossier.finished_at,
                promised_due_at=dossier.finished_at,
            )
        assert snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1]) == 0
        _snapshot, created = snapshot_take(
            agency=history, date_from=dt.date(2026, 2, 10), date_to=dt.date(2026, 2, 10)
        )
        assert not created
        after = evaluate_all(scope, *february, only=["2.1", "count.finished"])
        live = compute_all(scope, *february, only=["2.1", "count.finished"])
    assert (
        dict(
            IndicatorSnapshot.objects.filter(date_from=dt.date(2026, 2, 10)).values_list(
                "pk", "parts"
            )
        )
        == stored
    )
    assert [r.as_dict() for r in after] == [r.as_dict() for r in before]
    assert live[0].value != before[0].value


def test_a_period_without_daily_snapshots_is_computed_live(history: Any) -> None:
    scope = Scope(agency=history)
    february = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with time_machine.travel(NOW, tick=False):
        assert rollup.compose(scope, *february, ["2.1"]) is None
        assert _figures(evaluate_all(scope, *february)) == _figures(compute_all(scope, *february))
        # With some days stored and one missing, the missing day is read live.
        snapshots_backfill(agency=history, date_from=february[0], date_to=february[1])
        IndicatorSnapshot.objects.filter(date_from=dt.date(2026, 2, 12), scope_key="").delete()
        assert rollup.missing_days(history, *february) == [dt.date(2026, 2, 12)]
        composed = rollup.compose(scope, *february, codes("766"))
        assert composed is not None
        assert _figures(composed) == _figures(compute_all(scope, *february))
        # A narrowed scope is never composed.
        narrowed = Scope(agency=history, unit=history.units.first())
        assert rollup.compose(narrowed, *february, ["2.1"]) is None


def test_the_backfill_command_is_idempotent(history: Any, capsys: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        call_command("indicators", "snapshots", "--from", "2026-03-01", "--to", "2026-03-19")
        first = capsys.readouterr()
        call_command("indicators", "snapshots", "--from", "2026-03-01", "--to", "2026-03-19")
        second = capsys.readouterr()
    assert "Stored 19 daily snapshots" in first.out
    assert "100%" in first.err  # the progress bar
    assert "Stored 0 daily snapshots" in second.out
    days = IndicatorSnapshot.objects.filter(scope_key="", date_from__gte=dt.date(2026, 3, 1))
    assert days.count() == 19
    assert all(p["version"] == rollup.VERSION for p in days.values_list("parts", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--from", "2026-13-01"], "--from: give a date as YYYY-MM-DD"),
        (["--to", "yesterday"], "--to: give a date as YYYY-MM-DD"),
        (["--from", "2026-03-02", "--to", "2026-03-01"], "--from: give a day on or before --to"),
        (["--from", "1900-01-01"], "--from: give a day in 2018 or later"),
    ],
)
def test_the_backfill_names_a_wrong_option_and_stores_nothing(
    options: list[str], message: str
) -> None:
    # Checked before any agency is read: here no agency has dossiers, which once hid the error.
    with pytest.raises(CommandError, match=message):
        call_command("indicators", "snapshots", *options)
    assert not IndicatorSnapshot.objects.exists()


def test_one_page_reads_today_once_and_the_next_page_again(
    history: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The leader dashboard's month and year to date both end today: one live reading of today
    # for the page, and a new one for the next page (the figures stay live).
    reads: list[int] = []
    read = rollup.today_parts

    def counted(agency: Any) -> dict[str, Any]:
        reads.append(agency.pk)
        return read(agency)

    monkeypatch.setattr(rollup, "today_parts", counted)
    scope = Scope(agency=history)
    today = NOW.date()
    with time_machine.travel(NOW, tick=False):
        snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1])
        with rollup.today_read_once():
            month = evaluate_all(scope, today.replace(day=1), today, only=["2.1"])
            year = evaluate_all(scope, HISTORY[0], today, only=["2.1"])
        assert reads == [history.pk]
        with rollup.today_read_once():
            again = evaluate_all(scope, today.replace(day=1), today, only=["2.1"])
        assert reads == [history.pk, history.pk]
        live_month = compute_all(scope, today.replace(day=1), today, only=["2.1"])
        live_year = compute_all(scope, HISTORY[0], today, only=["2.1"])
    assert month == again == live_month
    assert year == live_year


@pytest.mark.parametrize("period", PERIODS, ids=list(PERIODS))
def test_the_units_steps_composed_from_daily_snapshots_equal_the_live_figures(
    history: Any, period: str
) -> None:
    """The units ranked by their own steps (docs/indicators.md): every unit's ``steps.*`` of a
    period composed from the stored days' unit parts (today live) equals the unit's live scope,
    and the agency's ``steps.*`` equal their sum."""
    date_from, date_to = PERIODS[period]
    units = list(history.units.all())
    steps = codes("steps")
    with time_machine.travel(NOW, tick=False):
        snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1])
        assert rollup.period_parts(history, date_from, date_to) is not None
        composed = evaluate_units(history, units, date_from, date_to, only=steps)
        for unit in units:
            live = compute_all(Scope(agency=history, unit=unit), date_from, date_to, only=steps)
            assert composed[unit.pk] == live, unit.code
        whole = _figures(compute_all(Scope(agency=history), date_from, date_to, only=steps))
    handled = sum(rs[1].value or 0 for rs in composed.values())
    assert int(whole["steps.handled"]["value"]) == handled
    # Not empty: steps handled, some late, some open and overdue now or at the period's end.
    rates = [rs[0] for rs in composed.values() if rs[0].denominator]
    assert rates and any(r.numerator < r.denominator for r in rates)


def test_the_units_parts_are_added_to_days_stored_without_them(history: Any) -> None:
    """Days stored before they kept their units' parts: read for those days alone until the
    backfill adds them (their other parts untouched), with the same figures."""
    units = list(history.units.all())
    steps = codes("steps")
    february = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with time_machine.travel(NOW, tick=False):
        snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1])
        expected = evaluate_units(history, units, *february, only=steps)
        days = IndicatorSnapshot.objects.filter(
            agency=history, scope_key="", date_to=F("date_from")
        )
        for row in days:
            row.parts.pop(rollup.UNITS)
            row.save(update_fields=["parts"])
        before = {row.pk: row.parts for row in days}
        assert evaluate_units(history, units, *february, only=steps) == expected
        assert snapshots_backfill(agency=history, date_from=HISTORY[0], date_to=HISTORY[1]) == 0
        for row in days.all():
            assert rollup.UNITS in row.parts
            assert {k: v for k, v in row.parts.items() if k != rollup.UNITS} == before[row.pk]
        assert evaluate_units(history, units, *february, only=steps) == expected
    assert any(rs[1].value for rs in expected.values())


@pytest.mark.parametrize("late_after_apology", [True, False], ids=["legal due", "moved due"])
def test_the_overdue_list_is_the_overdue_filters_own_rows_in_its_order(
    history: Any, late_after_apology: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The leader's overdue list (``listing.overdue_rows``) reads the overdue appointments
    through two partial indexes and so restates the overdue rule (the legal appointment, or the
    one an apology moved where the rule set keeps the dossier on time): it lists exactly what
    the overdue filter behind the dashboard's count lists, longest overdue first. Every shipped
    rule set keeps ``late_after_apology`` (``RuleSet``); the option's other value is tried by
    taking every rule set out of it, for both sides at once."""
    from isogov.dossiers import listing
    from isogov.dossiers.listing import ListFilters, apply_filters, overdue_rows

    if not late_after_apology:
        monkeypatch.setattr(listing, "LATE_AFTER_APOLOGY", ())

    # Three weeks after the history ends, its open dossiers are past their appointments.
    with time_machine.travel(NOW + dt.timedelta(days=21), tick=False):
        qs = Dossier.objects.filter(agency=history)
        expected = list(
            apply_filters(qs, ListFilters(overdue=True))
            .order_by("judged_due", "pk")
            .values_list("code", flat=True)
        )
        listed = [dossier.code for dossier, _holder in overdue_rows(qs, limit=len(expected) + 5)]
        first = [dossier.code for dossier, _holder in overdue_rows(qs, limit=3)]
    assert len(expected) > 3
    # Both appointments are in play: some dossiers had theirs moved by an apology.
    assert Dossier.objects.filter(code__in=expected, appointment_moves__gt=0).exists()
    assert listed == expected
    assert first == expected[:3]


@pytest.mark.parametrize("period", [*PERIODS, "today"])
def test_a_part_is_not_asked_a_count_it_cannot_add_to(history: Any, period: str) -> None:
    """``queries.part_aggregates`` leaves out of each part the counts that its own conditions
    make 0 (no receipt before the period, no finish in an unfinished part): asked them all,
    every part answers 0 for those, and the counts it is asked add up to the same totals."""
    date_from, date_to = PERIODS.get(period, (NOW.date(), NOW.date()))
    with time_machine.travel(NOW, tick=False):
        ctx = Context(Scope(agency=history), date_from, date_to)
        everything = queries._aggregates(ctx)
        totals = dict.fromkeys(everything, 0)
        left_out_somewhere = 0
        for part, asked in queries.part_aggregates(ctx):
            answers = part.aggregate(**everything)
            for key, value in answers.items():
                totals[key] += round(value or 0)
                if key not in asked:
                    left_out_somewhere += 1
                    assert not value, (key, value)
        assert queries._dossier_counts(ctx) == totals
    assert left_out_somewhere == 2 * 8 + 3  # two unfinished parts, the ended one
    assert totals["handled"] > 0
