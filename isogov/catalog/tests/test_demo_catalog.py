"""The sample catalogue is the demo department's; no other province's decision shown as its own."""

from __future__ import annotations

from typing import Any

from isogov.catalog.models import ProcedureVersion


def test_no_version_shows_another_provinces_decision_as_the_publication_decision(
    desk: Any,
) -> None:
    versions = ProcedureVersion.objects.all()
    assert versions.count() == 15
    assert not versions.exclude(decision_number="").exists()
    assert not versions.filter(decision_issuer__icontains="Cao Bằng").exists()
    cross_checked = versions.filter(description__contains="Cao Bằng")
    assert cross_checked.count() == 7
    for version in cross_checked:
        assert "không phải quyết định công bố của thành phố Hải Phòng" in version.description
    assert set(versions.values_list("authority", flat=True)) == {"Sở Khoa học và Công nghệ"}
