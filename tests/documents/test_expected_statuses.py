"""The LOA document statuses as designed, written down here rather than read from fms/documents.

Which statuses freeze a document's content (its lines, notes, figures and hash), which are final
and which make it the document in force decide what the services and the database triggers allow;
a status moved from one group to another must fail here first.
"""

from fms.documents import choices, models

STATUSES = {"draft", "offered", "accepted", "expired", "withdrawn", "issued"}
FROZEN = {"offered", "accepted", "expired", "issued"}  # everything but draft and withdrawn
FINAL = {"accepted", "expired", "withdrawn", "issued"}  # a document leaves none of these
EFFECTIVE = {"accepted", "issued"}  # the one in force (or was, before a later one)


def test_the_statuses():
    assert set(choices.DocumentStatus.values) == STATUSES


def test_which_statuses_freeze_end_or_put_a_document_in_force():
    assert set(choices.FROZEN_STATUSES) == FROZEN
    assert set(choices.FINAL_STATUSES) == FINAL
    assert set(choices.EFFECTIVE_STATUSES) == EFFECTIVE


def test_the_database_trigger_knows_the_same_final_statuses():
    # models.FINAL is written into the trigger's SQL; it must name exactly the final statuses.
    assert {name.strip(" '") for name in models.FINAL.strip("()").split(",")} == FINAL
