"""No message is translated at import time (issue 8 §5: it answered Vietnamese to English)."""

from __future__ import annotations

import ast
from pathlib import Path

import isogov

NON_LAZY = {"gettext", "ngettext", "pgettext", "npgettext"}
ROOT = Path(isogov.__file__).parent


def _non_lazy_names(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in NON_LAZY
    }


def _import_time_calls(node: ast.AST, names: set[str]) -> list[int]:
    """Lines calling ``names`` outside function bodies (decorators and defaults included)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        evaluated: list[ast.AST] = [*node.args.defaults, *filter(None, node.args.kw_defaults)]
        if not isinstance(node, ast.Lambda):
            evaluated += node.decorator_list
        return [line for part in evaluated for line in _import_time_calls(part, names)]
    lines = []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
        lines.append(node.lineno)
    for child in ast.iter_child_nodes(node):
        lines += _import_time_calls(child, names)
    return lines


def test_no_message_is_translated_at_import_time() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = _import_time_calls(tree, _non_lazy_names(tree))
        found += [f"{path.relative_to(ROOT)}:{line}" for line in lines]
    assert found == [], "use gettext_lazy for these module-level messages"


def test_the_check_finds_a_module_level_gettext() -> None:
    tree = ast.parse(
        "from django.utils.translation import gettext as _\n"
        "MESSAGE = _('x')\n"
        "def view(label=_('y')):\n"
        "    return _('fine at call time')\n"
    )
    assert _import_time_calls(tree, _non_lazy_names(tree)) == [2, 3]
