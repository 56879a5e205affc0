"""The LOA line code tables (SAMM C5.4 and the LOA Standardization Guide), as TextChoices.

Stored values are the codes themselves, as DSAMS and MILSTRIP write them; a CheckConstraint on
each column that uses a table keeps the database to these values. Sources:
- Source of supply and type of assistance: DLM 4000.25-1 (MILSTRIP) AP2.19 and its FMS
  type-of-assistance table, which pairs each type of assistance with the sources it allows.
- Offer release codes: SAMM C7.11.2, Table C7.T6.
- Delivery term codes: DLM 4000.25-1 AP2.5 and SAMM C7.4 (points of delivery in SAMM Figure
  C5.F5). The texts of 2, 3 and 4 follow AP2.5; those of 5, 7, 8 and 9 are short paraphrases that
  were not checked against the figure's wording.
"""

from django.db import models


class SourceOfSupply(models.TextChoices):
    STOCK = "S", "S — from DoD stock or performed by DoD personnel"
    PROCUREMENT = "P", "P — from new procurement"
    REBUILD = "R", "R — from rebuild, repair or modification by the U.S. Government"
    MIXED = "X", "X — mixed sources (stock and procurement) or undetermined"
    EXCESS = "E", "E — excess, as-is, where-is"
    SDAF = "F", "F — Special Defense Acquisition Fund items"


class TypeOfAssistance(models.TextChoices):
    STOCK_CASH = "3", "3 — cash sale from stock (AECA 21(b))"
    MIXED_CASH = "4", "4 — cash sale, stock or procurement or undetermined (AECA 21(b), 22(a), 29)"
    PROCUREMENT_CASH = "5", "5 — cash procurement (AECA 22(a))"
    STOCK_ON_DELIVERY = "6", "6 — stock sale, payment on delivery (AECA 21(d))"
    DEPENDABLE_UNDERTAKING = "7", "7 — procurement, dependable undertaking, 120 days after delivery (AECA 22(b))"
    STOCK_120_DAYS = "8", "8 — stock sale, payment 120 days after delivery (AECA 21(d))"
    EXCESS_GRANT = "A", "A — excess defense articles, non-reimbursable (FAA 516)"
    MAP_MERGER = "M", "M — MAP merger (FAA 503(a)(3))"
    CREDIT_NON_REPAYABLE = "N", "N — FMS credit, non-repayable (AECA 23, 24)"
    CLSSA_FMSO_I = "U", "U — CLSSA FMSO I"
    CLSSA_FMSO_II = "V", "V — CLSSA FMSO II, acquired under FMSO I"
    CREDIT = "Z", "Z — FMS credit (AECA 23, 24)"


class OfferReleaseCode(models.TextChoices):
    AUTOMATIC = "A", "A — released automatically, without advance notice"
    ADVANCE_NOTICE_AUTO = "Y", "Y — notice of availability first; released if no answer in time"
    ADVANCE_NOTICE_HOLD = "Z", "Z — notice of availability first; held for release instructions"
    SPECIAL = "X", "X — special release: no automatic release, instructions in the LOA"


class DeliveryTermCode(models.TextChoices):
    INLAND_POINT = "2", "2 — to an inland point in the same area (CONUS to CONUS)"
    ALONGSIDE_AT_POE = "3", "3 — alongside the vessel or aircraft at the port of embarkation"
    AT_ORIGIN = "4", "4 — at the origin: the purchaser moves it from there"
    ON_BOARD_AT_POE = "5", "5 — on board at the port of embarkation"
    OVERSEAS_INLAND = "7", "7 — to an overseas inland destination"
    AT_POD = "8", "8 — at the overseas port of debarkation, not unloaded"
    OFFLOADED_AT_POD = "9", "9 — at the overseas port of debarkation, unloaded"


LINE_CODE_TABLES: dict[str, type[models.TextChoices]] = {
    "source_code": SourceOfSupply,
    "type_of_assistance": TypeOfAssistance,
    "offer_release_code": OfferReleaseCode,
    "delivery_term_code": DeliveryTermCode,
}


class ReviewGroup(models.TextChoices):
    """A purchaser's group for AECA 36(b): it sets the notification thresholds and review days."""

    NATO_PLUS_5 = "nato_plus_5", "NATO + 5"
    OTHER = "other", "Other"
    NATO_ORG = "nato_org", "NATO organization"


# FMS customer codes (two characters, not ISO) and implementing agency codes (B Army, D Air Force, P Navy).
PURCHASER_CODE_PATTERN = r"^[A-Z0-9]{2}$"
AGENCY_CODE_PATTERN = r"^[A-Z]$"
