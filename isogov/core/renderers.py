"""The form renderer: labels in sentence case and without a trailing colon ("Ghi chú").

Django adds ``label_suffix`` (":") to every ``label_tag`` and keeps a label's case; house style
(issue 9) writes labels as sentence-case nouns with no colon. One place for every form.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst

LABEL = "django/forms/label.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == LABEL and context.get("label") and context.get("field") is not None:
            context = {**context, "label": _plain(context["label"], context["field"])}
        return super().render(template_name, context, request)


def _plain(label: Any, field: Any) -> Any:
    text = str(label)
    suffix = field.field.label_suffix
    suffix = str(field.form.label_suffix if suffix is None else suffix)
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)].rstrip()
    text = capfirst(text) or ""
    return mark_safe(text) if isinstance(label, SafeData) else text  # noqa: S308 (was safe)
