"""CSV of what a list shows (DESIGN §5): every field quoted, streamed, safe to open in a spreadsheet."""

import csv
import re
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV Injection"). It
# also splits cells on `;` (locales with a decimal comma) and on tabs when it guesses the separator,
# so a formula start right after one of those is neutralised too: "x;=cmd()" → "x;'=cmd()".
_FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[;\t])(?=[=+\-@\t\r])")


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return str(value)  # numbers and booleans: never text a spreadsheet could run


def stream_csv(filename: str, header: list[str], rows: Iterable[tuple]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)  # every field quoted (DESIGN §5)

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
