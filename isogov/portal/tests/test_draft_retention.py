"""Drafts never confirmed by their one-time code are deleted with their files after
``ISOGOV_ONLINE_DRAFT_RETENTION_DAYS``; fresh drafts and confirmed ones are untouched."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client

from isogov.audit.models import AuditEvent
from isogov.core import clock
from isogov.dossiers.models import DossierPaper, OnlineDraft
from isogov.dossiers.tasks import dossiers_purge_online_drafts
from isogov.dossiers.uploads import private_storage

from .test_submission import confirm, last_code, submit


def _files(draft: OnlineDraft) -> list[str]:
    return [paper.file.name for paper in draft.papers.all()]


def test_a_stale_unconfirmed_draft_and_its_files_go_and_nothing_else(
    desk: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    now = clock.now()
    with time_machine.travel(now - dt.timedelta(days=8), tick=False):
        stale = submit(desk, client, key="s" * 24)
        confirmed = submit(desk, client, key="c" * 24)
        assert confirm(client, confirmed, last_code()).status_code == 302
    with time_machine.travel(now - dt.timedelta(days=6), tick=False):
        fresh = submit(desk, client, key="f" * 24)
    confirmed.refresh_from_db()
    assert confirmed.dossier is not None
    stale_files, fresh_files, confirmed_files = _files(stale), _files(fresh), _files(confirmed)
    kept_files = fresh_files + confirmed_files
    assert len(stale_files) == 2 and all(private_storage.exists(n) for n in stale_files)
    dossier_files = list(DossierPaper.objects.filter(dossier=confirmed.dossier).values_list("scan"))

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        call_command("purge_online_drafts", stdout=out)
    assert out.getvalue().startswith("1 draft(s) and 2 file(s) deleted")
    # The rows are gone within the transaction; the files only once it has committed.
    assert set(OnlineDraft.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert all(private_storage.exists(name) for name in stale_files)
    for callback in after_commit:
        callback()
    assert not any(private_storage.exists(name) for name in stale_files)
    assert all(private_storage.exists(name) for name in kept_files)
    assert list(DossierPaper.objects.filter(dossier=confirmed.dossier).values_list("scan")) == (
        dossier_files
    )
    event = AuditEvent.objects.get(action="online_draft.purge")
    assert (event.object_id, event.actor_label) == (str(stale.pk), "system")
    assert "nhung" not in str(event.before).casefold()  # no personal data in the trail

    # The hourly job finds nothing more; two days on, the fresh draft's time has come too.
    assert dossiers_purge_online_drafts.call_local() == 0
    later = now + dt.timedelta(days=2)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert dossiers_purge_online_drafts.call_local() == 1
    assert list(OnlineDraft.objects.values_list("pk", flat=True)) == [confirmed.pk]
    assert not any(private_storage.exists(name) for name in fresh_files)
    assert all(private_storage.exists(name) for name in confirmed_files)
