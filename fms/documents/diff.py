"""What changed between two versions of an LOA: per line and field, and per cost-summary figure.

Pure: it compares two contents as fms.documents.content builds them (plain JSON values, money as
strings), so the API, the page and a purchaser holding two documents get the same answer.
"""

from decimal import Decimal

from fms.documents.content import COST_FIELDS, LINE_FIELDS

# `change` says how a line moved against its own predecessor; the diff says it against `before`.
COMPARED_LINE_FIELDS = tuple(f for f in LINE_FIELDS if f not in ("line_number", "change"))


def _current_lines(document: dict) -> dict[str, dict]:
    return {line["line_number"]: line for line in document["lines"] if line["change"] != "removed"}


def diff(before: dict, after: dict) -> dict:
    """Lines added, removed and changed (field: before/after), and every cost figure with its delta."""
    old, new = _current_lines(before), _current_lines(after)
    lines = []
    for number in sorted(old.keys() | new.keys()):
        if number not in old:
            lines.append({"line_number": number, "change": "added", "fields": _fields({}, new[number])})
        elif number not in new:
            lines.append({"line_number": number, "change": "removed", "fields": _fields(old[number], {})})
        else:
            fields = _fields(old[number], new[number], only_changed=True)
            if fields:
                lines.append({"line_number": number, "change": "changed", "fields": fields})
    figures = {}
    for name in COST_FIELDS:
        was, now = before["cost_summary"][name], after["cost_summary"][name]
        figures[name] = {"before": was, "after": now, "delta": f"{Decimal(now) - Decimal(was):.2f}"}
    return {
        "from": before["header"]["label"],
        "to": after["header"]["label"],
        "lines": lines,
        "cost_summary": figures,
    }


def _fields(old: dict, new: dict, *, only_changed: bool = False) -> dict:
    result = {}
    for name in COMPARED_LINE_FIELDS:
        was, now = old.get(name), new.get(name)
        if not only_changed or was != now:
            result[name] = {"before": was, "after": now}
    return result
