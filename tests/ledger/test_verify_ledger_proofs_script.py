"""docs/verify_ledger_proofs.py, the purchaser's standalone verifier, run as a subprocess against a
live server on 127.0.0.1: it passes on an honest ledger and fails on a rewritten event, a forged
signature and a rewritten history re-signed with the real key."""

import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

from fms.accounts.roles import AUDITOR, CASE_OFFICER
from fms.accounts.services import token_issue
from fms.cases import services
from fms.ledger import merkle
from fms.ledger.checkpoint import Checkpoint, SignerKey
from fms.ledger.models import ApprovalEvent, LogEntry, SignedTreeHead
from fms.ledger.signing import read_signer
from fms.ledger.transparency import tree_head_sign
from tests.database import as_database_superuser
from tests.factories import UserFactory, lines_of, make_case
from tests.ledger.test_transparency import append_settled, as_superuser_without_triggers, feed_order_hashes
from tests.transactional import LiveServerTestCase

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_ledger_proofs.py"


class PurchaserVerifierScriptTest(LiveServerTestCase):
    def setUp(self):
        self.officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        self.japan = make_case(self.officer, purchaser="JA", lines=2)
        make_case(self.officer, purchaser="KS", lines=1)
        # An auditor's token: a purchaser's users read no global log position (DESIGN §8).
        reader = UserFactory(username="auditor", roles=[AUDITOR])
        _, self.token = token_issue(actor=None, user=reader, days=1)
        self.signer = read_signer()
        self.checkpoint()
        self.state = Path(tempfile.mkdtemp()) / "ledger-head.txt"

    def checkpoint(self):
        append_settled()
        return tree_head_sign(signer=self.signer)

    def verify(self, *extra: str) -> subprocess.CompletedProcess:
        command = [sys.executable, str(SCRIPT), "--url", self.live_server_url, "--token", self.token]
        command += ["--vkey", self.signer.verifier.vkey, "--state", str(self.state), *extra]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def test_an_honest_ledger_passes_and_grows_consistently(self):
        first = self.verify()
        assert first.returncode == 0, first.stdout + first.stderr
        assert "signed tree head: size 5" in first.stdout
        assert "inclusion: 5 events verified in the signed head, 0 newer than it" in first.stdout
        assert self.state.read_text() == SignedTreeHead.objects.get().checkpoint

        services.line_item_submit(actor=self.officer, line=lines_of(self.japan)[0])
        self.checkpoint()
        second = self.verify()
        assert second.returncode == 0, second.stdout + second.stderr
        assert f"consistency with the head saved in {self.state} (size 5): verified" in second.stdout
        assert "inclusion: 6 events verified in the signed head" in second.stdout

    def test_a_rewritten_event_fails(self):
        assert self.verify().returncode == 0
        target = ApprovalEvent.objects.filter(case=self.japan).order_by("id")[1]
        as_superuser_without_triggers(
            "UPDATE cases_approvalevent SET comment = 'rewritten', hash = repeat('ab', 32) WHERE id = %s", [target.pk]
        )
        result = self.verify()
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"FAILED: event {target.pk} (log index {target.log_entry.log_index}, hash {'ab' * 32})" in result.stderr
        assert "is not in the signed log" in result.stderr

    def test_a_forged_signature_fails(self):
        head = SignedTreeHead.objects.get()
        text, signatures = head.checkpoint.split("\n\n")
        lines = text.split("\n")
        lines[2] = merkle.leaf_hash(b"forged").hex()  # any other root, under the real signature line
        forged_root = bytes.fromhex(lines[2])
        forged = Checkpoint(lines[0], 5, forged_root).text() + "\n" + signatures
        SignedTreeHead.objects.create(
            tree_size=5,
            root_hash=forged_root.hex(),
            checkpoint=forged,
            key_name=head.key_name,
            key_id=head.key_id,
            signed_at=head.signed_at,
        )
        result = self.verify()
        assert result.returncode == 1, result.stdout + result.stderr
        assert "the signature by" in result.stderr
        assert "does not verify: forged" in result.stderr

    def test_a_log_cut_below_its_own_signed_head_fails_and_is_not_called_unreachable(self):
        assert self.verify().returncode == 0  # saves the head of 5
        # A superuser deletes the newest event and rebuilds the stored tree without it.
        last = LogEntry.objects.order_by("-log_index").first()
        as_superuser_without_triggers("DELETE FROM ledger_logentry WHERE event_id = %s", [last.event_id])
        as_superuser_without_triggers("DELETE FROM cases_approvalevent WHERE id = %s", [last.event_id])
        as_superuser_without_triggers("DELETE FROM ledger_lognode WHERE index >= 4 OR level > 0")
        result = self.verify()
        assert result.returncode == 1, result.stdout + result.stderr
        assert "FAILED: the server cannot prove its own signed log" in result.stderr

    def test_a_head_signed_by_another_key_fails(self):
        impostor = SignerKey.generate(self.signer.name)
        result = self.verify("--vkey", impostor.verifier.vkey)
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"not signed by your key {impostor.name}+{impostor.verifier.id.hex()}" in result.stderr

    def test_a_rewritten_history_fails_against_the_saved_head_even_signed_with_the_real_key(self):
        assert self.verify().returncode == 0  # saves the head of 5
        # Someone holding the database and the key rewrites event 1, rebuilds the tree and signs it.
        target = LogEntry.objects.get(log_index=1).event_id
        as_superuser_without_triggers("UPDATE cases_approvalevent SET hash = repeat('cd', 32) WHERE id = %s", [target])
        as_superuser_without_triggers("DELETE FROM ledger_lognode")
        frontier = merkle.Frontier()
        nodes = [node for leaf in feed_order_hashes() for node in frontier.append(leaf)]
        with as_database_superuser(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.executemany("INSERT INTO ledger_lognode (level, index, hash) VALUES (%s, %s, %s)", nodes)
            cursor.execute("SET session_replication_role = DEFAULT")
        services.line_item_submit(actor=self.officer, line=lines_of(self.japan)[0])
        append_settled()
        frontier.append(bytes.fromhex(ApprovalEvent.objects.latest("id").hash))
        note = self.signer.sign_note(Checkpoint(self.signer.name, 6, frontier.root()).text())
        SignedTreeHead.objects.create(
            tree_size=6,
            root_hash=frontier.root().hex(),
            checkpoint=note,
            key_name=self.signer.name,
            key_id=self.signer.verifier.id.hex(),
            signed_at=SignedTreeHead.objects.get().signed_at,
        )
        result = self.verify()
        assert result.returncode == 1, result.stdout + result.stderr
        assert "the log of 6 does not extend your saved head of 5: history was rewritten" in result.stderr

    def test_an_unreachable_server_is_not_a_verdict(self):
        command = [sys.executable, str(SCRIPT), "--url", "http://127.0.0.1:9", "--token", self.token]
        result = subprocess.run(
            [*command, "--vkey", self.signer.verifier.vkey], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 2
        assert "could not check" in result.stderr
