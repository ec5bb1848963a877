"""Benchmark: the test suite's wall time against an earlier commit's, side by side (issue 8 §6).

``.venv/bin/python bench/test_suite.py [--base COMMIT] [--runs N] [--whole]`` (default base
6eba75d, the commit issue 8 was measured at; 1 run). Not a timed test: it prints figures.

It checks the base out into a temporary git worktree (removed at the end) and, with this
project's virtualenv, measures one after the other:

1. **The same tests.** The test functions whose ids exist in both trees (collected with
   ``pytest --collect-only``), run by the base as its suite ran then (one process,
   ``python -m pytest --cov=isogov``) and by this tree's ``make test`` (its workers, coverage,
   template database), given the same ids in ``PYTEST_ARGS``. This compares the harness on the
   same work: what the tests' shared fixtures, the template database and the workers save.
2. With ``--whole``: each tree's whole suite, the base as above and this tree's ``make test``
   as it is. The two suites differ in size, so the ratio of their wall times is printed with
   the ratio per test.

Both sides keep compiled bytecode (``PYTHONDONTWRITEBYTECODE`` unset, each under its own
``PYTHONPYCACHEPREFIX``) and are warmed by the collection before anything is timed. Each run
prints its wall time, the CPU time of it and its subprocesses, and pytest's summary line.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SUMMARY = re.compile(r"^(?:=+ )?(\d+ (?:passed|failed).*?) in [\d.]+s", re.MULTILINE)


def _environment(tree: Path, cache: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(cache)
    environment.pop("DATABASE_URL", None)
    # The virtualenv installs this tree's package in editable mode; the base's tests must import
    # the base's package.
    environment["PYTHONPATH"] = str(tree)
    return environment


def _collect(tree: Path, cache: Path) -> set[str]:
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", "-p", "no:cov"],
        cwd=tree,
        env=_environment(tree, cache),
        capture_output=True,
        text=True,
        check=False,
    )
    ids = {line.split("[", 1)[0] for line in result.stdout.splitlines() if "::" in line}
    if not ids:
        raise SystemExit(f"no tests collected in {tree}:\n{result.stdout[-2000:]}")
    return ids


def _timed(command: list[str], tree: Path, cache: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (children, user + system) and pytest's summary of a run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=tree,
        env=_environment(tree, cache),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = SUMMARY.findall(result.stdout)
    summary = found[-1] if found else f"no summary (exit {result.returncode})"
    if result.returncode:
        print(result.stdout[-3000:], result.stderr[-2000:], sep="\n", file=sys.stderr)
    return wall, cpu, summary


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _count(summary: str) -> int:
    return sum(int(n) for n in re.findall(r"(\d+) (?:passed|failed|error)", summary))


class Side(NamedTuple):
    name: str
    tree: Path
    cache: Path  # its own compiled bytecode


def _compare(title: str, runs: int, sides: list[tuple[Side, list[str]]]) -> None:
    print(f"\n{title}")
    walls: dict[str, list[float]] = {"base": [], "this tree": []}
    counts: dict[str, int] = {}
    for run in range(1, runs + 1):
        for side, command in sides:
            name = side.name
            wall, cpu, summary = _timed(command, side.tree, side.cache)
            walls[name].append(wall)
            counts[name] = _count(summary)
            print(f"  run {run}, {name}: {wall:,.1f} s wall, {cpu:,.1f} s CPU; {summary}")
    base_wall = statistics.median(walls["base"])
    our_wall = statistics.median(walls["this tree"])
    ratio = our_wall / base_wall
    print(f"  median wall: base {base_wall:,.1f} s, this tree {our_wall:,.1f} s: ratio {ratio:.2f}")
    if counts["base"] and counts["this tree"] and counts["base"] != counts["this tree"]:
        per_test = (our_wall / counts["this tree"]) / (base_wall / counts["base"])
        print(
            f"  tests: base {counts['base']:,}, this tree {counts['this tree']:,}; "
            f"ratio per test {per_test:.2f}"
        )
    print(f"  target (issue 8): at most 0.60: {'meets' if ratio <= 0.60 else 'MISSES'}")


def _options() -> argparse.Namespace:
    def runs(value: str) -> int:
        if not value.isdigit() or not 1 <= int(value) <= 20:
            raise argparse.ArgumentTypeError(f"a whole number from 1 to 20, not {value!r}")
        return int(value)

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--base", default="6eba75d", help="the commit to compare with")
    parser.add_argument("--runs", type=runs, default=1, help="runs of each side (1 to 20)")
    parser.add_argument("--whole", action="store_true", help="also each tree's whole suite")
    options = parser.parse_args()
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{options.base}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if found.returncode:
        parser.error(f"--base: no commit {options.base!r} in {ROOT}")
    return options


def main() -> None:
    options = _options()
    cache = Path(tempfile.mkdtemp(prefix="isogov-bench-suite-pycache-"))
    worktree = Path(tempfile.mkdtemp(prefix="isogov-bench-suite-")) / "base"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(worktree), options.base],
        cwd=ROOT,
        check=True,
    )
    base = Side("base", worktree, cache / "base")
    ours = Side("this tree", ROOT, cache / "ours")
    try:
        print(f"base {options.base} in {worktree}; this tree {ROOT}; {options.runs} run(s) each")
        print(f"uptime: {_uptime()}")
        base_ids = _collect(base.tree, base.cache)
        our_ids = _collect(ours.tree, ours.cache)
        shared = sorted(base_ids & our_ids)
        print(
            f"test functions: base {len(base_ids):,}, this tree {len(our_ids):,}, "
            f"in both {len(shared):,}"
        )
        base_command = [str(PYTHON), "-m", "pytest", "--cov=isogov", "-p", "no:xdist", "-q"]
        make = ["make", "--no-print-directory", "test"]
        _compare(
            "The same tests (the base's functions that this tree still has):",
            options.runs,
            [(base, [*base_command, *shared]), (ours, [*make, "PYTEST_ARGS=" + " ".join(shared)])],
        )
        if options.whole:
            _compare("Each tree's whole suite:", options.runs, [(base, base_command), (ours, make)])
        print(f"uptime: {_uptime()}")
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False
        )
        shutil.rmtree(worktree.parent, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
