"""Tampering with the known chain, one field at a time: verify_chain names the event and the reason.

Pure (no database): the chain of known_answers.json is altered in memory the way someone with
write access to the table could, and each alteration must break the chain at the altered event.
tests/ledger/test_verification.py does the same through PostgreSQL with verify_ledger.
"""

import datetime as dt

import pytest

from fms.ledger import chain
from tests.ledger import vectors

CASE = "JA-P-SAA"
ALTERED = "the event's content does not match its hash (altered)"
# Written down: every column an event's hash must cover (besides seq and prev_hash, which have
# checks of their own below). Dropping one from the hash lets it be rewritten unnoticed.
HASHED = {
    "case_id": "JA-P-SAB",
    "line_number": "002",
    "action": "reject",
    "from_status": "returned",
    "to_status": "approved",
    "actor_id": 12,
    "actor_name": "officer2",
    "comment": "ready ",
    "occurred_at": dt.datetime(2026, 11, 26, 14, 2, 0, 1, tzinfo=dt.UTC),
    "content_digest": "f" * 64,
}
MIDDLE = 2  # the third of five events (seq 3, the submit of line 001)


def test_the_hash_covers_the_written_down_columns():
    assert set(chain.EVENT_FIELDS) == {*HASHED, "seq", "prev_hash"} - {"case_id", "line_number"}


@pytest.mark.parametrize(("field", "value"), list(HASHED.items()))
def test_each_hashed_field_altered_alone_breaks_the_chain_at_that_event(field, value):
    events = vectors.chain()
    assert events[MIDDLE][field] != value
    events[MIDDLE][field] = value
    assert chain.verify_chain(CASE, events) == chain.Break(CASE, 3, events[MIDDLE]["id"], ALTERED)


@pytest.mark.parametrize("position", range(5))
def test_an_actor_removed_from_any_event_is_found(position):
    events = vectors.chain()
    events[position]["actor_id"] = 99 if events[position]["actor_id"] is None else None
    assert chain.verify_chain(CASE, events).seq == position + 1


def test_an_altered_hash_is_the_break_not_the_link_after_it():
    events = vectors.chain()
    events[MIDDLE]["hash"] = "0" * 64
    assert chain.verify_chain(CASE, events) == chain.Break(CASE, 3, events[MIDDLE]["id"], ALTERED)


def test_an_altered_prev_hash_is_named():
    events = vectors.chain()
    events[MIDDLE]["prev_hash"] = events[0]["hash"]
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 3, events[MIDDLE]["id"], "prev_hash does not match the hash of the event before it"
    )


def test_the_first_event_must_chain_from_genesis():
    events = vectors.chain()[1:]
    for seq, event in enumerate(events, start=1):
        event["seq"] = seq
    broken = chain.verify_chain(CASE, events)
    assert (broken.seq, broken.reason) == (1, "prev_hash does not match the hash of the event before it")


def test_a_deleted_event_is_missing():
    events = vectors.chain()
    del events[MIDDLE]
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 3, events[MIDDLE]["id"], "event #3 is missing (found #4)"
    )


def test_a_repeated_event_is_out_of_order():
    events = vectors.chain()
    events.insert(MIDDLE, dict(events[MIDDLE - 1]))
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 3, events[MIDDLE]["id"], "event #3 is out of order (found #2)"
    )


def test_a_renumbered_event_is_named():
    events = vectors.chain()
    events[MIDDLE]["seq"] = 4
    broken = chain.verify_chain(CASE, events)
    assert (broken.seq, broken.reason) == (3, "event #3 is missing (found #4)")


def with_current(events, *, case_status, line_status):
    return [{**event, "case_status": case_status, "line_status": line_status} for event in events]


def test_the_chain_ends_in_the_current_states():
    assert chain.verify_chain(CASE, with_current(vectors.chain(), case_status="write", line_status="approved")) is None


def test_a_deleted_last_case_step_is_named():
    events = with_current(vectors.chain()[:-1], case_status="write", line_status="approved")
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 5, None, "the chain ends with the case development but it is write: events are missing"
    )


def test_a_deleted_last_line_decision_is_named():
    events = with_current(vectors.chain()[:3], case_status="development", line_status="approved")
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 4, None, "the chain ends with line 001 submitted but it is approved: events are missing"
    )


def test_a_removed_line_has_no_current_status_to_check():
    events = with_current(vectors.chain(), case_status="write", line_status=None)
    assert chain.verify_chain(CASE, events) is None


def test_a_break_reads_as_case_position_and_reason():
    assert str(chain.Break(CASE, 3, 7, "why")) == "JA-P-SAA at position 3: why"


def rehashed(events: list[dict]) -> list[dict]:
    """Events renumbered and re-hashed into a valid chain: what a forger with the formula could write."""
    out, prev = [], chain.GENESIS
    for seq, event in enumerate(events, start=1):
        event = {**event, "seq": seq, "prev_hash": prev}
        event["hash"] = prev = chain.event_hash(**event)
        out.append(event)
    return out


# ---- Several cases ----------------------------------------------------------------------------


def chain_of(case_id: str) -> list[dict]:
    """The known chain re-hashed for another case id (built with event_hash, which the vectors pin)."""
    return rehashed([{**event, "case_id": case_id} for event in vectors.chain()])


def verify_all(rows) -> list[chain.Break]:
    return [b for case_id, events in chain.group_by_case(rows) if (b := chain.verify_chain(case_id, events))]


@pytest.mark.parametrize("broken_case", ["AT-B-001", "JA-P-SAA", "KS-D-QAB"])
def test_three_cases_each_verified_on_its_own(broken_case):
    chains = {case_id: chain_of(case_id) for case_id in ("AT-B-001", "JA-P-SAA", "KS-D-QAB")}
    chains[broken_case][MIDDLE]["comment"] = "rewritten"
    rows = [event for case_id in sorted(chains) for event in chains[case_id]]
    assert verify_all(rows) == [chain.Break(broken_case, 3, chains[broken_case][MIDDLE]["id"], ALTERED)]


def test_group_by_case_splits_runs_in_order():
    rows = [{"case_id": c, "n": n} for n, c in enumerate("AABCCC")]
    assert [(case_id, [r["n"] for r in run]) for case_id, run in chain.group_by_case(rows)] == [
        ("A", [0, 1]),
        ("B", [2]),
        ("C", [3, 4, 5]),
    ]
    assert list(chain.group_by_case([])) == []


def test_a_rehashed_chain_without_its_case_events_is_caught_by_the_current_state():
    lines_only = rehashed([e for e in vectors.chain() if e["line_number"] is not None])
    events = with_current(lines_only, case_status="write", line_status="approved")
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 4, None, "the chain ends with the case never created but it is write: events are missing"
    )


def test_the_current_case_status_may_come_with_the_first_row_only():
    events = vectors.chain()[:-1]
    events[0]["case_status"] = "write"
    assert chain.verify_chain(CASE, events) == chain.Break(
        CASE, 5, None, "the chain ends with the case development but it is write: events are missing"
    )
