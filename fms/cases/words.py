"""What the pages say about statuses, steps and changes: labels and sentences, never field names."""

import difflib
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fms.cases.choices import CaseAction, CaseStatus, LineAction, LineStatus

# What an event did, said by the person who did it ("officer submitted line 003").
_LINE_DONE = {
    LineAction.ADD: "added",
    LineAction.EDIT: "changed",
    LineAction.REMOVE: "removed",
    LineAction.SUBMIT: "submitted",
    LineAction.APPROVE: "approved",
    LineAction.REJECT: "rejected",
    LineAction.RETURN: "returned",
}
_CASE_DONE = {
    CaseAction.CREATE: "opened the case",
    CaseAction.START_WRITE: "moved the case to Write",
    CaseAction.SUBMIT_REVIEW: "submitted the case for review",
    CaseAction.PROPOSE: "proposed the case",
    CaseAction.OFFER: "offered the case to the purchaser",
    CaseAction.ACCEPT: "recorded the purchaser's acceptance",
    CaseAction.IMPLEMENT: "implemented the case",
    CaseAction.COMPLETE_SUPPLY: "marked supply complete",
    CaseAction.CLOSE: "closed the case",
    CaseAction.CANCEL: "cancelled the case",
}
_STATUS_LABELS = {**dict(LineStatus.choices), **dict(CaseStatus.choices)}


def status_label(value: str) -> str:
    return _STATUS_LABELS.get(value, value.replace("_", " ").capitalize())


def event_sentence(*, action: str, line_number: str | None, to_status: str) -> str:
    """e.g. "returned line 003", "sent the case back to Write", "moved the case to Write"."""
    if line_number is not None:
        return f"{_LINE_DONE.get(action, action.replace('_', ' '))} line {line_number}"
    if action == CaseAction.RETURN:
        return f"sent the case back to {status_label(to_status)}"
    return _CASE_DONE.get(action, action.replace("_", " "))


def field_label(model: type[models.Model], name: str) -> str:
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed from the model keeps a readable name
        label = name.replace("_", " ")
    return label[:1].upper() + label[1:]


_TOKENS = re.compile(r"\s+|[^\s]+")


def marked_change(old, new) -> tuple[SafeString, SafeString]:
    """Whole old and new values, with the words that differ marked (<del> in the old, <ins> in the new)."""
    old_text, new_text = ("—" if value in (None, "") else str(value) for value in (old, new))
    old_words, new_words = _TOKENS.findall(old_text), _TOKENS.findall(new_text)
    before, after = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            before.append(("{}", "".join(old_words[i1:i2])))
            after.append(("{}", "".join(new_words[j1:j2])))
            continue
        if i2 > i1:
            before.append(("<del>{}</del>", "".join(old_words[i1:i2])))
        if j2 > j1:
            after.append(("<ins>{}</ins>", "".join(new_words[j1:j2])))
    return _join(before), _join(after)


def _join(parts: list[tuple[str, str]]) -> SafeString:
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in parts))
