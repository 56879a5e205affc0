"""Bring existing lines into line with the LOA rules before 0006 checks them.

- Units of issue are two letters (DoD unit of issue codes): the three-letter LOT becomes LO.
- Major Defense Equipment is by definition Significant Military Equipment (AECA section 47(6),
  SAMM C5.1): lines flagged MDE but not SME become SME.
- A MASL number never uses the letters O and I; stored ones are read as the digits 0 and 1.

Each UPDATE goes through the line's history triggers, so the change is in its field history.
"""

from django.db import migrations

FORWARD = [
    "UPDATE cases_lineitem SET unit_of_issue = 'LO' WHERE unit_of_issue = 'LOT'",
    "UPDATE cases_lineitem SET is_sme = true WHERE is_mde AND NOT is_sme",
    "UPDATE cases_lineitem SET masl = substr(masl, 1, 3) || translate(substr(masl, 4), 'OI', '01')"
    " WHERE masl <> '' AND substr(masl, 4) ~ '[OI]'",
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_loa_line_fields"),
    ]

    # Data only: reversing leaves the corrected values, which the old rules accepted too.
    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in FORWARD]
