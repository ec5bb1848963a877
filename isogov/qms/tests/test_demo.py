"""``isogov seed-demo``: the demo agency's QMS covers every clause; a second run adds nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from isogov.qms.models import Audit, ManagementReview, Nonconformity, QualityObjective, Risk
from isogov.qms.selectors import coverage_matrix

# ``isogov seed-demo`` runs once, as a seed layer (the root conftest's ``demo_command``), for
# this test and the dossiers' (dossiers/tests/test_demo_seed.py), each rolled back to it.
pytestmark = pytest.mark.xdist_group("demo_command")


def seed_demo_command() -> str:
    """Run ``isogov seed-demo`` on the demo and the catalogue; what it printed."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_fills_a_qms_without_a_gap_and_runs_again_idempotently(
    demo_command: str, desk: Any, client: Client
) -> None:
    assert "ISO:" in demo_command and "ISO: already there" not in demo_command
    agency = desk.department
    rows = coverage_matrix(agency=agency)
    gaps = [row.clause for row in rows if row.is_gap]
    assert gaps == []
    assert QualityObjective.objects.filter(agency=agency).count() == 4
    assert all(
        o.measurements.count() >= 6 for o in QualityObjective.objects.filter(measure_code="")
    )
    assert Risk.objects.filter(agency=agency, kind="opportunity").exists()
    audit = Audit.objects.get(agency=agency)
    nc = Nonconformity.objects.get(finding__audit=audit)
    assert nc.status == "closed" and nc.checks.filter(is_effective=True).exists()
    assert ManagementReview.objects.filter(agency=agency).count() == 1
    counts = (Nonconformity.objects.count(), Risk.objects.count())
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "ISO: already there" in again.getvalue()
    assert "Demo dossiers:" in again.getvalue() and "already there" in again.getvalue()
    assert (Nonconformity.objects.count(), Risk.objects.count()) == counts
    client.force_login(desk.user("danhgia"))
    page = client.get("/iso/bao-phu/").content.decode()
    assert 'class="gap"' not in page
