"""Input serializers whose fields are built once per class and thread (``FieldsBuiltOnce``):
each instance validates on its own, with its own root and context."""

from __future__ import annotations

import threading
from typing import Any

from rest_framework import serializers

from isogov.core.api import FieldsBuiltOnce


class _Item(serializers.Serializer):
    name = serializers.CharField(max_length=5)

    def validate_name(self, value: str) -> str:
        return f"{value}@{self.context.get('who', '')}"


class _Input(FieldsBuiltOnce, serializers.Serializer):
    code = serializers.CharField(max_length=3)
    item = _Item()
    items = _Item(many=True, required=False, default=list)


def _check(data: dict[str, Any], who: str) -> tuple[bool, Any]:
    serializer = _Input(data=data, context={"who": who})
    valid = serializer.is_valid()
    return valid, serializer.validated_data if valid else serializer.errors


def test_each_instance_validates_with_its_own_data_errors_and_context() -> None:
    good = {"code": "abc", "item": {"name": "x"}, "items": [{"name": "y"}]}
    assert _check(good, "one") == (
        True,
        {"code": "abc", "item": {"name": "x@one"}, "items": [{"name": "y@one"}]},
    )
    valid, errors = _check({"code": "abcd", "item": {"name": "toolong"}}, "two")
    assert not valid
    assert set(errors) == {"code", "item"} and set(errors["item"]) == {"name"}
    assert _check(good, "three") == (
        True,
        {"code": "abc", "item": {"name": "x@three"}, "items": [{"name": "y@three"}]},
    )
    first, second = _Input(data={}), _Input(data={})
    assert first.fields is not None and second.fields["item"].root is second
    assert first.fields is second.fields  # built once


def test_each_thread_builds_its_own() -> None:
    seen: list[Any] = []
    thread = threading.Thread(target=lambda: seen.append(_Input(data={}).fields))
    thread.start()
    thread.join()
    assert seen[0] is not _Input(data={}).fields
