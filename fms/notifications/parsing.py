"""Reading AECA 36(b) notifications out of the texts the public sees (DESIGN §4.4): the Congressional
Record's "ARMS SALES NOTIFICATION" (DSCA's cover letter and the numbered notice, one or several in one
text) and DSCA's press releases. Pure: no ORM; names are resolved to rows by the import service.

What a text does not say is listed as a warning and left empty: nothing is guessed. The one inference
made is the kind of a press release: DSCA announces only 36(b)(1) certifications ("delivered the
required certification notifying Congress").
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

# What an import looks for, said back when a text has none of it (the 400's words).
LOOKED_FOR = (
    "a transmittal number ('Transmittal No. 19-54', '0G-23', '22-0B')",
    "the section reported under ('Section 36(b)(1)', '36(b)(5)(A)', '36(b)(5)(C)')",
    "the purchaser ('(i) Prospective Purchaser: Government of Japan' or 'to the Government of Japan')",
    "the values ('(ii) Total Estimated Value: Major Defense Equipment* $… Other $… Total $…', "
    "'estimated cost of $133.3 million')",
)

_UNITS = {"million": Decimal(1_000_000), "billion": Decimal(1_000_000_000), "": Decimal(1)}
_AMOUNT = r"\$\s?([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(million|billion)?"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = rf"((?:{_MONTHS})\s+[0-9]{{1,2}},\s+[0-9]{{4}})"
# A notification of the Record begins with DSCA's cover letter; a press release with its dateline.
_START = re.compile(rf"Dear (?:Mr\.|Madam|Ms\.|Mrs\.) Chair|WASHINGTON,\s+{_DATE}\s*[–—-]", re.IGNORECASE)
_NUMBER = r"([0-9][0-9A-Z]-[0-9A-Z]{1,3})"
# The number the text is about, not the original one a 5(A)/5(C) refers to ("AECA Transmittal No.: 20-76").
_TRANSMITTAL = re.compile(rf"(?<!AECA )Transmittal No\.?:?\s*{_NUMBER}", re.IGNORECASE)
_ORIGINAL = re.compile(
    rf"(?:AECA certification|AECA Transmittal No\.?:?|certification transmittal number)\s*{_NUMBER}", re.IGNORECASE
)
_SECTION = re.compile(r"36\(b\)\((1|5)\)(?:\(([AC])\))?", re.IGNORECASE)
_PRESS_CERTIFICATION = re.compile(r"delivered the required certification notifying Congress", re.IGNORECASE)
_PURCHASER = (
    re.compile(r"\(i\)\s*(?:Prospective\s+)?Purchaser:\s*(.+?)\.\s", re.IGNORECASE),
    re.compile(r"\bto the (Government of (?:the )?[A-Z][A-Za-z'’ ]+?)(?: for| of|,)"),
    re.compile(r"\bto the (NATO [A-Z][A-Za-z ]+? Agency)(?: for| of|,)"),
)
_DEPARTMENT = (
    re.compile(r"\(iv\)\s*Military Department:\s*(Army|Navy|Air Force)\b", re.IGNORECASE),
    re.compile(r"(?:Implementing Agency|Military Department):\s*(Army|Navy|Air Force)\b", re.IGNORECASE),
    re.compile(r"concerning the (Army|Navy|Air Force)['’]s proposed", re.IGNORECASE),
)
_VALUE_TABLE = re.compile(r"\(ii\)\s*Total Estimated Value:?(.*?)\(iii\)", re.IGNORECASE)
_TABLE_ROW = {
    "mde_value": re.compile(rf"Major Defense Equipment\s*\*?[\s.]*{_AMOUNT}", re.IGNORECASE),
    "non_mde_value": re.compile(rf"\bOther[\s.]*{_AMOUNT}", re.IGNORECASE),
    "total_value": re.compile(rf"\bTotal[\s.]*{_AMOUNT}", re.IGNORECASE),
}
# Outside a table: what a cover letter, a 5(A)/5(C) description or a press release says.
_TOTAL_IN_PROSE = (
    re.compile(rf"total (?:estimated )?(?:case )?value (?:will )?increases? to {_AMOUNT}", re.IGNORECASE),
    re.compile(rf"estimated (?:total )?(?:case )?(?:cost|value) (?:of|is|was) {_AMOUNT}", re.IGNORECASE),
    re.compile(rf"estimated to cost {_AMOUNT}", re.IGNORECASE),
)
_MDE_IN_PROSE = (
    re.compile(rf"MDE value (?:will )?increases? to {_AMOUNT}", re.IGNORECASE),
    re.compile(rf"Major Defense Equipment \(MDE\) (?:constituted|value was) {_AMOUNT}", re.IGNORECASE),
)
_DESCRIPTION = (
    re.compile(
        r"\(iii\)\s*Description(?: and Quantity or Quantities of Articles or Services under Consideration "
        r"for Purchase)?:\s*(.+?)\s*\((?:iv|v)\)",
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(r"(The Government of [^.]+? has requested (?:to buy|a possible sale of)[^.]*\.)", re.IGNORECASE),
)
_DELIVERED = (
    re.compile(rf"Date Report Delivered to Congress:\s*{_DATE}", re.IGNORECASE),
    re.compile(rf"notifying Congress of this possible sale on {_DATE}", re.IGNORECASE),
)
_DATELINE = re.compile(rf"WASHINGTON,\s+{_DATE}", re.IGNORECASE)
_TODAY = re.compile(r"notifying Congress of this possible sale today", re.IGNORECASE)


@dataclass
class ParsedNotification:
    """One notification as read from a text; None where the text does not say."""

    transmittal_number: str | None = None
    kind: str | None = None
    original: str | None = None
    purchaser_name: str | None = None
    military_department: str | None = None
    mde_value: Decimal | None = None
    non_mde_value: Decimal | None = None
    total_value: Decimal | None = None
    notified_on: dt.date | None = None
    description: str = ""
    source_text: str = ""
    warnings: list[str] = field(default_factory=list)

    def found_anything(self) -> bool:
        return any((self.transmittal_number, self.purchaser_name, self.total_value is not None))


class NothingRecognised(ValueError):
    """The text holds no notification: none of LOOKED_FOR was found."""

    def __init__(self) -> None:
        super().__init__("No notification found in the text. Looked for: " + "; ".join(LOOKED_FOR) + ".")
        self.looked_for = LOOKED_FOR


def money(number: str, unit: str | None) -> Decimal:
    """'$133.3' 'million' as 133300000.00: exact (Decimal), to the cent."""
    return (Decimal(number.replace(",", "")) * _UNITS[(unit or "").lower()]).quantize(Decimal("0.01"))


def _flat(text: str) -> str:
    """The Record's line breaks and indentation as single spaces (its sentences wrap anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


def _first(patterns, text: str) -> re.Match | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found
    return None


def _date(words: str) -> dt.date:
    return dt.datetime.strptime(re.sub(r"\s+", " ", words), "%B %d, %Y").date()


def _kind(text: str) -> str | None:
    sections = {(m.group(1), (m.group(2) or "").upper()) for m in _SECTION.finditer(text)}
    # A 5(A) or 5(C) text also names the 36(b)(1) certification it refers to: the 5(x) section decides.
    if ("5", "A") in sections:
        return "36b5a"
    if ("5", "C") in sections:
        return "36b5c"
    if ("1", "") in sections or _PRESS_CERTIFICATION.search(text):
        return "36b1"
    return None


def _values(parsed: ParsedNotification, text: str) -> None:
    table = _VALUE_TABLE.search(text)
    if table:
        for name, pattern in _TABLE_ROW.items():
            row = pattern.search(table.group(1))
            if row:
                setattr(parsed, name, money(row.group(1), row.group(2)))
    if parsed.total_value is None and (prose := _first(_TOTAL_IN_PROSE, text)):
        parsed.total_value = money(prose.group(1), prose.group(2))
        if parsed.kind in ("36b5a", "36b5c") and "increase" not in prose.group(0).lower():
            parsed.warnings.append("values: as stated for the original certification (no increase reported)")
    if parsed.mde_value is None and (prose := _first(_MDE_IN_PROSE, text)):
        parsed.mde_value = money(prose.group(1), prose.group(2))
    if parsed.total_value is None:
        parsed.warnings.append("total value: not found")
    if parsed.mde_value is None:
        parsed.warnings.append("MDE value: not found")
    if parsed.non_mde_value is None:
        parsed.warnings.append("non-MDE value: not found")
    mde, other, total = parsed.mde_value, parsed.non_mde_value, parsed.total_value
    if mde is not None and other is not None and total is not None and mde + other != total:
        parsed.warnings.append(f"values: MDE {mde} + other {other} is not the total {total}")


def _notified_on(text: str) -> dt.date | None:
    delivered = _first(_DELIVERED, text)
    if delivered:
        return _date(delivered.group(1))
    dateline = _DATELINE.search(text)
    if dateline and _TODAY.search(text):
        return _date(dateline.group(1))
    return None


def parse_one(raw: str) -> ParsedNotification:
    """Read one notification's text."""
    text = _flat(raw)
    parsed = ParsedNotification(source_text=raw.strip())
    number = _TRANSMITTAL.search(text)
    parsed.transmittal_number = number.group(1) if number else None
    parsed.kind = _kind(text)
    if parsed.kind in ("36b5a", "36b5c"):
        original = _ORIGINAL.search(text)
        parsed.original = original.group(1) if original else None
        if parsed.original is None:
            parsed.warnings.append("original 36(b)(1) transmittal number: not found")
    purchaser = _first(_PURCHASER, text)
    if purchaser:
        parsed.purchaser_name = purchaser.group(1).strip()
    department = _first(_DEPARTMENT, text)
    if department:
        parsed.military_department = department.group(1).title()
    _values(parsed, text)
    description = _first(_DESCRIPTION, text)
    parsed.description = description.group(1).strip() if description else ""
    parsed.notified_on = _notified_on(text)
    for name, value in (
        ("transmittal number", parsed.transmittal_number),
        ("kind (section 36(b)(1), (5)(A) or (5)(C))", parsed.kind),
        ("purchaser", parsed.purchaser_name),
        ("military department", parsed.military_department),
        ("date delivered to Congress", parsed.notified_on),
        ("description", parsed.description),
    ):
        if not value:
            parsed.warnings.append(f"{name}: not found")
    return parsed


def split(text: str) -> list[str]:
    """The text cut at each cover letter or press-release dateline (the first part keeps what precedes it)."""
    starts = [m.start() for m in _START.finditer(text)]
    if not starts:
        return [text]
    starts[0] = 0
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def parse(text: str) -> list[ParsedNotification]:
    """Every notification in a text, in order. Raises NothingRecognised when there is none."""
    found = [parsed for part in split(text or "") if (parsed := parse_one(part)).found_anything()]
    if not found:
        raise NothingRecognised()
    return found
