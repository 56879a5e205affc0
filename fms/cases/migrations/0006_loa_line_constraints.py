"""The checks of the LOA line fields, once 0005 has made existing rows pass them.

Two-letter units of issue, MASL numbers without O or I, every MDE also SME, codes from the
tables of fms.reference.codes, a forward estimated delivery period.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_loa_line_data"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("masl", ""), ("masl__regex", "^[A-Z0-9]{3}[A-HJ-NP-Z0-9]{13}$"), _connector="OR"),
                name="lineitem_masl_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit_of_issue__regex", "^[A-Z]{2}$")), name="lineitem_unit_of_issue_format"
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_code", ""), ("source_code__in", ["S", "P", "R", "X", "E", "F"]), _connector="OR"
                ),
                name="lineitem_source_code_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("type_of_assistance", ""),
                    ("type_of_assistance__in", ["3", "4", "5", "6", "7", "8", "A", "M", "N", "U", "V", "Z"]),
                    _connector="OR",
                ),
                name="lineitem_type_of_assistance_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("offer_release_code", ""), ("offer_release_code__in", ["A", "Y", "Z", "X"]), _connector="OR"
                ),
                name="lineitem_offer_release_code_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("delivery_term_code", ""),
                    ("delivery_term_code__in", ["2", "3", "4", "5", "7", "8", "9"]),
                    _connector="OR",
                ),
                name="lineitem_delivery_term_code_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_mde", False), ("is_sme", True), _connector="OR"), name="lineitem_mde_is_sme"
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("months_of_service__isnull", True), ("months_of_service__gte", 1), _connector="OR"),
                name="lineitem_months_of_service_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("delivery_from_months__isnull", True), ("delivery_to_months__isnull", True)),
                    models.Q(
                        ("delivery_from_months__isnull", False),
                        ("delivery_from_months__lte", models.F("delivery_to_months")),
                        ("delivery_to_months__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="lineitem_delivery_period_forward",
            ),
        ),
    ]
