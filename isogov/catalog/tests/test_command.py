from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from isogov.catalog.demo import SAMPLE, sample_as_catalog
from isogov.catalog.models import Procedure

pytestmark = pytest.mark.django_db


def test_command_imports_a_json_file_and_exports_it_again(tmp_path: Path, demo: Any) -> None:
    source = tmp_path / "in.json"
    data = sample_as_catalog(json.loads(SAMPLE.read_text(encoding="utf-8")), agency_code=None)
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("catalog", "import", str(source))
    assert Procedure.objects.count() == 15
    target = tmp_path / "out.xlsx"
    call_command("catalog", "export", str(target))
    assert target.stat().st_size > 1000


def test_command_with_a_bad_file_fails_and_stores_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"procedures": [{"code": "x", "versions": []}]}', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("catalog", "import", str(source))
    assert Procedure.objects.count() == 0
