"""No module of the project grows past 600 lines (issue 8 §3; migrations aside): a module that
does has more than one job, and is split by what it does, as ``dossiers/services/`` was."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
LIMIT = 600


def _modules() -> list[Path]:
    paths = PACKAGE.rglob("*.py")
    return sorted(path for path in paths if "migrations" not in path.relative_to(PACKAGE).parts)


def _lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for _ in file)


def test_no_module_exceeds_six_hundred_lines() -> None:
    modules = _modules()
    assert len(modules) > 300  # the walk found the project, not an empty folder
    too_long = {
        str(path.relative_to(PACKAGE.parent)): count
        for path in modules
        if (count := _lines(path)) > LIMIT
    }
    assert too_long == {}


def test_the_count_is_the_lines_a_reader_sees(tmp_path: Path) -> None:
    """The count the limit is checked with: one per line, the last one with or without its
    line end."""
    (tmp_path / "a.py").write_text("x = 1\ny = 2\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("x = 1\ny = 2", encoding="utf-8")
    assert _lines(tmp_path / "a.py") == 2
    assert _lines(tmp_path / "b.py") == 2
