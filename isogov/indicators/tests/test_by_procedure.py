"""Indicator 2.2 of every procedure at once (``registry.evaluate_by_procedure``): grouped SQL
giving the figures the registry gives one procedure at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from isogov.catalog.models import Procedure
from isogov.dossiers.generator import demo_generate
from isogov.dossiers.models import ClockStop, Dossier
from isogov.dossiers.tests.conftest import CFS, at
from isogov.indicators.registry import Scope, State, evaluate_all, evaluate_by_procedure

from .conftest import March

pytestmark = pytest.mark.django_db


def test_march_by_hand(desk: Any, march: March) -> None:
    # A finished 3 days after receipt, B 3 days and one minute: 6.000694 days → 6.00, over 2.
    agency = desk.department
    cfs = Procedure.objects.get(code=CFS)
    other = Procedure.objects.exclude(code=CFS).first()
    assert other is not None
    with time_machine.travel(at(4, 2, 8), tick=False):
        found = evaluate_by_procedure(
            Scope(agency=agency), [cfs.pk, other.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 31)
        )
    figure = found[cfs.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (
        Decimal("6.00"),
        2,
        Decimal("3.00"),
    )
    # No dossier of the other procedure finished: N/A, not 0.
    assert found[other.pk].value is None and found[other.pk].state == State.NOT_APPLICABLE


def test_the_same_figures_as_one_procedure_at_a_time_over_generated_history(desk: Any) -> None:
    agency = desk.department
    until = at(5, 29, 17)
    demo_generate(agency=agency, dossiers=300, months=5, seed=12, until=until, workers=0)
    ids = sorted(set(Dossier.objects.values_list("procedure_version__procedure_id", flat=True)))
    assert len(ids) >= 2
    assert ClockStop.objects.filter(ended_at__isnull=False).exists()  # supplements left out
    periods = ((at(4, 1, 0).date(), at(4, 30, 0).date()), (at(1, 1, 0).date(), until.date()))
    with time_machine.travel(until, tick=False):
        for date_from, date_to in periods:
            grouped = evaluate_by_procedure(Scope(agency=agency), ids, date_from, date_to)
            for procedure in Procedure.objects.filter(pk__in=ids):
                scope = Scope(agency=agency, procedure=procedure)
                (one,) = evaluate_all(scope, date_from, date_to, only=["2.2"])
                assert grouped[procedure.pk] == one, procedure.code
                assert one.denominator, procedure.code  # each procedure has finished dossiers
