"""The transparency log: settled events appended in feed order, stored nodes the database checks,
signed heads, verify_ledger against every head, and the refusals that keep the log honest."""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from fms.accounts.roles import CASE_OFFICER, REVIEWER
from fms.cases import services
from fms.ledger import merkle
from fms.ledger.checkpoint import Checkpoint, open_note
from fms.ledger.log_verification import verify_log
from fms.ledger.models import ApprovalEvent, LogEntry, LogNode, SignedTreeHead
from fms.ledger.proofs import consistency_proof, inclusion_proof, log_size, stored_nodes
from fms.ledger.signing import read_signer
from fms.ledger.transparency import LogInconsistent, log_append_settled, tree_head_sign
from tests.database import as_database_superuser, as_superuser_without_triggers
from tests.factories import UserFactory, lines_of, make_case
from tests.ledger.test_merkle import naive_mth
from tests.transactional import CommittedTestCase


def settle() -> None:
    """Wait until every committed event is settled: the rule (txid below the cluster's oldest running
    transaction) is cluster-wide, and the test cluster is shared with other suites' transactions."""
    deadline = time.monotonic() + 60
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM cases_approvalevent"
                " WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint)"
            )
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "events stayed unsettled for 60 s"
            time.sleep(0.05)


def append_settled(**options) -> int:
    settle()
    return log_append_settled(**options)


def feed_order_hashes() -> list[bytes]:
    return [bytes.fromhex(h) for h in ApprovalEvent.objects.order_by("txid", "id").values_list("hash", flat=True)]


class TransparencyLogTest(CommittedTestCase):
    def setUp(self):
        self.officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        self.case = make_case(self.officer, lines=3)
        self.signer = read_signer()

    def test_every_settled_event_is_appended_once_in_feed_order(self):
        appended = append_settled()
        events = ApprovalEvent.objects.count()
        assert appended == events == 4  # the case and its three lines
        logged = list(LogEntry.objects.order_by("log_index").values_list("log_index", "event_id"))
        in_feed_order = list(ApprovalEvent.objects.order_by("txid", "id").values_list("id", flat=True))
        assert logged == list(enumerate(in_feed_order))
        assert append_settled() == 0
        services.line_item_submit(actor=self.officer, line=lines_of(self.case)[0])
        assert append_settled() == 1
        assert log_size() == 5
        assert merkle.root(5, stored_nodes(merkle.range_nodes(0, 5))) == naive_mth(feed_order_hashes())

    def test_a_catch_up_in_small_batches_builds_the_same_tree(self):
        for line in lines_of(self.case):
            services.line_item_submit(actor=self.officer, line=line)
        assert append_settled(batch=2) == 7
        assert LogNode.objects.count() == 7 + 3 + 1 + 0  # leaves, pairs, fours (7 = 4 + 2 + 1)
        assert merkle.root(7, stored_nodes(merkle.range_nodes(0, 7))) == naive_mth(feed_order_hashes())

    def test_events_of_a_transaction_still_running_wait_and_so_do_later_ones(self):
        other_case = make_case(self.officer, lines=1)
        settle()
        written, release = threading.Event(), threading.Event()

        def slow_writer():
            with transaction.atomic():
                services.line_item_submit(actor=self.officer, line=lines_of(self.case)[0])
                written.set()
                release.wait(10)
            connection.close()

        slow = threading.Thread(target=slow_writer)
        slow.start()
        assert written.wait(10)
        services.line_item_submit(actor=self.officer, line=lines_of(other_case)[0])  # commits first
        assert log_append_settled() == 6  # the two cases' events only: both submits wait for the older one
        release.set()
        slow.join()
        assert append_settled() == 2
        late, early = ApprovalEvent.objects.filter(action="submit").order_by("txid")
        assert late.log_entry.log_index == 6
        assert early.log_entry.log_index == 7
        assert late.id < early.id or late.txid < early.txid

    def test_a_signed_head_is_a_c2sp_checkpoint_under_the_key(self):
        append_settled()
        head = tree_head_sign(signer=self.signer)
        checkpoint = Checkpoint.parse(open_note(head.checkpoint, self.signer.verifier))
        assert checkpoint.origin == self.signer.name == head.key_name
        assert (checkpoint.size, checkpoint.root_hash.hex()) == (4, head.root_hash)
        assert checkpoint.root_hash == naive_mth(feed_order_hashes())
        assert checkpoint.extensions[0].startswith("time ")
        assert head.key_id == self.signer.verifier.id.hex()
        assert tree_head_sign(signer=self.signer) is None  # nothing new: nothing signed
        services.line_item_submit(actor=self.officer, line=lines_of(self.case)[0])
        append_settled()
        newer = tree_head_sign(signer=self.signer)
        proof = consistency_proof(first=4, second=5)["proof"]
        assert merkle.verify_consistency(
            4, 5, bytes.fromhex(head.root_hash), bytes.fromhex(newer.root_hash), [bytes.fromhex(h) for h in proof]
        )

    def test_every_event_has_an_inclusion_proof_in_the_signed_tree(self):
        append_settled()
        head = tree_head_sign(signer=self.signer)
        for entry in LogEntry.objects.select_related("event"):
            proof = inclusion_proof(event_id=entry.event_id, size=head.tree_size)
            assert proof["leaf_index"] == entry.log_index
            path = [bytes.fromhex(h) for h in proof["audit_path"]]
            leaf = merkle.leaf_hash(bytes.fromhex(entry.event.hash))
            assert merkle.verify_inclusion(leaf, entry.log_index, 4, path, bytes.fromhex(head.root_hash))

    def test_a_proof_reads_three_queries_whatever_the_size(self):
        append_settled()
        event_id = LogEntry.objects.get(log_index=1).event_id
        with self.assertNumQueries(3):
            inclusion_proof(event_id=event_id, size=4)
        with self.assertNumQueries(2):
            consistency_proof(first=1, second=4)

    # ---- The database keeps the log honest, whoever writes it

    def test_an_entry_that_skips_an_event_is_refused(self):
        settle()
        second = ApprovalEvent.objects.order_by("txid", "id")[1]
        with pytest.raises(IntegrityError, match="follows the feed order"), transaction.atomic():
            LogEntry.objects.create(log_index=0, event=second)

    def test_an_entry_with_a_gap_is_refused(self):
        settle()
        first = ApprovalEvent.objects.order_by("txid", "id")[0]
        with pytest.raises(IntegrityError, match="the next entry is 0, not 3"), transaction.atomic():
            LogEntry.objects.create(log_index=3, event=first)

    def test_a_node_that_is_not_the_hash_of_its_children_is_refused(self):
        settle()
        first = ApprovalEvent.objects.order_by("txid", "id")[0]
        LogEntry.objects.create(log_index=0, event=first)
        with pytest.raises(IntegrityError, match=r"log node \(0, 0\) is not the RFC 9162 hash"), transaction.atomic():
            LogNode.objects.create(level=0, index=0, hash=b"\x00" * 32)
        LogNode.objects.create(level=0, index=0, hash=merkle.leaf_hash(bytes.fromhex(first.hash)))

    def test_the_log_and_its_heads_cannot_be_changed(self):
        append_settled()
        tree_head_sign(signer=self.signer)
        statements = [
            "UPDATE ledger_logentry SET event_id = event_id WHERE log_index = 0",
            "DELETE FROM ledger_lognode WHERE level = 0 AND index = 0",
            "UPDATE ledger_signedtreehead SET root_hash = repeat('0', 64)",
            "DELETE FROM ledger_signedtreehead",
            "TRUNCATE ledger_logentry CASCADE",
            "TRUNCATE ledger_signedtreehead",
        ]
        for sql in statements:
            with (
                self.subTest(sql),
                pytest.raises(DatabaseError, match=r"append-only|Cannot"),
                as_database_superuser(),  # the owner: the triggers refuse (the app role lacks the privilege)
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert (log_size(), LogNode.objects.count(), SignedTreeHead.objects.count()) == (4, 7, 1)

    # ---- verify_ledger recomputes the tree and holds every signed head to it

    def test_an_honest_log_verifies(self):
        append_settled()
        tree_head_sign(signer=self.signer)
        result = verify_log()
        assert (result.ok, result.size, result.heads, result.heads_checked, result.unchecked) == (True, 4, 1, 1, [])

    def test_a_rewritten_event_is_named_and_the_head_it_breaks_too(self):
        append_settled()
        tree_head_sign(signer=self.signer)
        target = LogEntry.objects.get(log_index=2).event_id
        as_superuser_without_triggers(
            "UPDATE cases_approvalevent SET comment = 'rewritten', hash = repeat('ab', 32) WHERE id = %s", [target]
        )
        reasons = [str(broken) for broken in verify_log().breaks]
        assert reasons == [
            f"transparency log at entry 2 (event {target}): the event changed after it was logged "
            "(its hash is not the logged leaf)",
            f"signed head {SignedTreeHead.objects.get().pk} (size 4) does not match the tree recomputed from the "
            "events: an event it covers was changed, removed or reordered",
        ]
        with pytest.raises(CommandError, match=r"the transparency log does not hold|broken chain"):
            call_command("verify_ledger", stdout=StringIO(), stderr=StringIO())

    def test_a_rewrite_of_event_and_log_together_breaks_the_signed_head(self):
        append_settled()
        tree_head_sign(signer=self.signer)
        # The attacker rewrites event 1 and rebuilds the whole stored tree to match (triggers off).
        target = LogEntry.objects.get(log_index=1).event_id
        as_superuser_without_triggers("UPDATE cases_approvalevent SET hash = repeat('cd', 32) WHERE id = %s", [target])
        as_superuser_without_triggers("DELETE FROM ledger_lognode")
        frontier = merkle.Frontier()
        rows = [node for leaf in feed_order_hashes() for node in frontier.append(leaf)]
        as_superuser_without_triggers(
            "INSERT INTO ledger_lognode (level, index, hash)"
            " SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
        )
        result = verify_log()
        assert [b.reason for b in result.breaks] == [
            f"signed head {SignedTreeHead.objects.get().pk} (size 4) does not match the tree recomputed from the "
            "events: an event it covers was changed, removed or reordered"
        ]
        # and the checkpoint process refuses to sign over it
        services.line_item_submit(actor=self.officer, line=lines_of(self.case)[0])
        with pytest.raises(LogInconsistent, match="no longer gives the root signed at size 4"):
            append_settled()
            tree_head_sign(signer=self.signer)

    def test_a_deleted_tail_with_the_status_set_back_and_the_log_rebuilt_breaks_the_signed_head(self):
        # Given an approval covered by a signed head
        line = lines_of(self.case)[0]
        reviewer = UserFactory(username="reviewer", roles=[REVIEWER])
        services.line_item_submit(actor=self.officer, line=line)
        services.line_item_approve(actor=reviewer, line=lines_of(self.case)[0])
        append_settled()
        tree_head_sign(signer=self.signer)
        approval = ApprovalEvent.objects.get(action="approve")
        # When a superuser deletes it, sets the line back to submitted and rebuilds the log without it
        as_superuser_without_triggers("DELETE FROM ledger_logentry WHERE event_id = %s", [approval.pk])
        as_superuser_without_triggers("DELETE FROM cases_approvalevent WHERE id = %s", [approval.pk])
        as_superuser_without_triggers("UPDATE cases_lineitem SET review_status = 'submitted' WHERE id = %s", [line.pk])
        as_superuser_without_triggers("DELETE FROM ledger_lognode")
        frontier = merkle.Frontier()
        rows = [node for leaf in feed_order_hashes() for node in frontier.append(leaf)]
        as_superuser_without_triggers(
            "INSERT INTO ledger_lognode (level, index, hash)"
            " SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
        )
        # Then the chain alone looks whole, but the signed head no longer holds
        head = SignedTreeHead.objects.get()
        assert [b.reason for b in verify_log().breaks] == [f"signed head {head.pk} covers 6 entries but the log has 5"]
        with pytest.raises(CommandError):
            call_command("verify_ledger", stdout=StringIO(), stderr=StringIO())

    def test_a_forged_head_is_named(self):
        append_settled()
        head = tree_head_sign(signer=self.signer)
        forged = head.checkpoint.replace(head.checkpoint.split("\n")[1], "3", 1)
        as_superuser_without_triggers("UPDATE ledger_signedtreehead SET checkpoint = %s", [forged])
        reasons = [str(broken) for broken in verify_log().breaks]
        assert len(reasons) == 1
        assert "its signature does not hold: the signature by" in reasons[0]

    def test_heads_whose_key_is_unknown_are_listed_as_not_checked(self):
        append_settled()
        head = tree_head_sign(signer=self.signer)
        with self.settings(LEDGER_SIGNING_KEY_FILE="/nonexistent/ledger.key"):
            result = verify_log()
        assert result.ok
        assert result.heads_checked == 0
        assert result.unchecked == [
            f"signed head {head.pk} (size 4, {head.key_name}+{head.key_id}): LEDGER_SIGNING_KEY_FILE "
            "/nonexistent/ledger.key does not exist: the ledger's checkpoints cannot be signed. Create a key with "
            "`manage.py ledger_keygen PATH --origin HOST/ledger` and set LEDGER_SIGNING_KEY_FILE to it "
            "(docs/operations.md)."
        ]

    def test_ledger_checkpoint_command(self):
        settle()
        out = StringIO()
        call_command("ledger_checkpoint", stdout=out)
        assert out.getvalue().startswith("appended 4 events; signed the head of 4 entries, root ")
        call_command("ledger_checkpoint", stdout=out)
        assert out.getvalue().endswith("appended 0 events; the latest signed head already covers the log\n")
        with (
            self.settings(LEDGER_SIGNING_KEY_FILE="/nonexistent/ledger.key"),
            pytest.raises(CommandError, match="does not exist"),
        ):
            call_command("ledger_checkpoint", stdout=out)
