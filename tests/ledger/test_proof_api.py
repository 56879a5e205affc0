"""The transparency log's routes: the contract of DESIGN §9, scoping, and bad input."""

import base64

from rest_framework.test import APIClient

from fms.accounts.roles import AUDITOR, CASE_OFFICER, CLIENT
from fms.accounts.services import token_issue
from fms.ledger import merkle
from fms.ledger.checkpoint import Checkpoint, VerifierKey, open_note
from fms.ledger.models import ApprovalEvent, LogEntry
from fms.ledger.signing import read_signer
from fms.ledger.transparency import tree_head_sign
from tests.factories import UserFactory, make_case
from tests.ledger.test_transparency import append_settled
from tests.transactional import CommittedTestCase


def client_of(user) -> APIClient:
    _, secret = token_issue(actor=None, user=user, days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def hashes(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


BAD_INPUT = [
    # (query string, the parameter named)
    ("event=%C2%B2&size=5", "event"),  # '²': str.isdigit() says yes, int() says no
    ("event=%D9%A1&size=5", "event"),  # Arabic-Indic one
    ("event=-1&size=5", "event"),
    ("event=1e3&size=5", "event"),
    ("event=1&size=%EF%BC%95", "size"),  # full-width five
    ("event=1", "size"),
    ("size=5", "event"),
    ("event=1&size=99999999999999999999", "size"),
    ("event={own}&size=6", "size"),  # beyond the log's 5 entries
    ("event={own}&size={before}", "size"),  # a tree that does not hold the event yet
]
BAD_CONSISTENCY = [
    ("from=3&to=2", "from"),
    ("from=1&to=6", "to"),
    ("from=%C2%B9&to=5", "from"),
    ("from=1&to=%D9%A5", "to"),
    ("from=1", "to"),
    ("to=5", "from"),
    ("from=+1&to=5", "from"),
]


class ProofApiTest(CommittedTestCase):
    def setUp(self):
        officer = UserFactory(username="officer", roles=[CASE_OFFICER])
        self.japan = make_case(officer, purchaser="JA", lines=2)
        self.korea = make_case(officer, purchaser="KS", lines=1)
        self.client_ja = client_of(UserFactory(username="client_ja", roles=[CLIENT], purchaser_id="JA", is_staff=False))
        self.auditor = client_of(UserFactory(username="auditor", roles=[AUDITOR]))
        self.signer = read_signer()

    def sign(self):
        append_settled()
        return tree_head_sign(signer=self.signer)

    def test_the_public_key_is_the_signers(self):
        body = self.client_ja.get("/api/v1/ledger/public-key/").json()
        assert body["vkey"] == self.signer.verifier.vkey
        assert VerifierKey.parse(body["vkey"]) == VerifierKey(body["key_name"], base64.b64decode(body["public_key"]))
        assert APIClient().get("/api/v1/ledger/public-key/").status_code == 401

    def test_the_latest_head_verifies_under_the_public_key(self):
        response = self.auditor.get("/api/v1/ledger/checkpoints/latest/")
        assert response.status_code == 404
        assert response.json()["detail"] == "No tree head has been signed yet."
        head = self.sign()
        body = self.auditor.get("/api/v1/ledger/checkpoints/latest/").json()
        assert set(body) == {"tree_size", "root_hash", "checkpoint", "key_name", "key_id", "signed_at"}
        checkpoint = Checkpoint.parse(open_note(body["checkpoint"], VerifierKey.parse(self.signer.verifier.vkey)))
        assert (checkpoint.size, checkpoint.root_hash.hex()) == (body["tree_size"], body["root_hash"])
        assert (body["tree_size"], body["root_hash"]) == (5, head.root_hash)

    def test_heads_are_listed_largest_first_a_page_at_a_time(self):
        self.sign()
        make_case(UserFactory(username="officer2", roles=[CASE_OFFICER]), purchaser="JA")
        self.sign()
        first = self.auditor.get("/api/v1/ledger/checkpoints/?page_size=1").json()
        assert [head["tree_size"] for head in first["results"]] == [6]
        second = self.auditor.get(first["next_url"]).json()
        assert [head["tree_size"] for head in second["results"]] == [5]
        assert second["next"] is None

    def test_every_event_carries_its_log_index_and_hash(self):
        before = self.auditor.get(f"/api/v1/cases/{self.japan.case_id}/events/").json()["results"]
        assert {event["log_index"] for event in before} == {None}
        self.sign()
        events = self.auditor.get(f"/api/v1/cases/{self.japan.case_id}/events/").json()["results"]
        logged = dict(LogEntry.objects.values_list("event_id", "log_index"))
        assert [(event["log_index"], event["hash"]) for event in events] == [
            (logged[event["id"]], ApprovalEvent.objects.get(pk=event["id"]).hash) for event in events
        ]
        feed = self.auditor.get("/api/v1/events/").json()["results"]
        assert [event["log_index"] for event in feed] == [logged[event["id"]] for event in feed]

    def test_an_inclusion_proof_of_ones_own_event_verifies(self):
        head = self.sign()
        for event in ApprovalEvent.objects.filter(case=self.japan):
            body = self.auditor.get(f"/api/v1/ledger/proof/inclusion/?event={event.pk}&size=5").json()
            assert body["event"] == event.pk
            assert (body["leaf_index"], body["tree_size"]) == (event.log_entry.log_index, 5)
            assert merkle.verify_inclusion(
                merkle.leaf_hash(bytes.fromhex(event.hash)),
                body["leaf_index"],
                5,
                hashes(body["audit_path"]),
                bytes.fromhex(head.root_hash),
            )

    def test_a_purchasers_users_read_no_head_or_proof(self):
        """Heads and proofs count every purchaser's events (DESIGN §8): a purchaser gets 404, the key stays public."""
        self.sign()
        own = ApprovalEvent.objects.filter(case=self.japan).first().pk
        for url in (
            "/api/v1/ledger/checkpoints/",
            "/api/v1/ledger/checkpoints/latest/",
            f"/api/v1/ledger/proof/inclusion/?event={own}&size=5",
            "/api/v1/ledger/proof/consistency/?from=0&to=5",
        ):
            response = self.client_ja.get(url)
            assert response.status_code == 404, url
            assert response.json()["type"] == "/api/problems/#not-found"
            assert self.auditor.get(url).status_code == 200, url
        assert self.client_ja.get("/api/v1/ledger/public-key/").status_code == 200

    def test_another_purchasers_event_is_not_found_like_a_missing_one(self):
        self.sign()
        korean = ApprovalEvent.objects.filter(case=self.korea).first().pk
        other = self.client_ja.get(f"/api/v1/ledger/proof/inclusion/?event={korean}&size=5")
        missing = self.client_ja.get("/api/v1/ledger/proof/inclusion/?event=999999&size=5")
        assert other.status_code == missing.status_code == 404
        assert other.json()["type"] == missing.json()["type"] == "/api/problems/#not-found"
        assert self.auditor.get(f"/api/v1/ledger/proof/inclusion/?event={korean}&size=5").status_code == 200

    def test_an_event_not_logged_yet_is_a_conflict(self):
        event = ApprovalEvent.objects.filter(case=self.japan).first().pk
        response = self.auditor.get(f"/api/v1/ledger/proof/inclusion/?event={event}&size=0")
        assert response.status_code == 409
        assert "not in the transparency log yet" in response.json()["detail"]

    def test_bad_input_is_a_400_naming_the_parameter(self):
        self.sign()
        own = ApprovalEvent.objects.filter(case=self.japan).order_by("-id").first()
        for query, parameter in BAD_INPUT:
            query = query.format(own=own.pk, before=own.log_entry.log_index)
            with self.subTest(query):
                response = self.auditor.get(f"/api/v1/ledger/proof/inclusion/?{query}")
                assert response.status_code == 400, response.content
                assert response["Content-Type"] == "application/problem+json"
                assert response.json()["type"] == "/api/problems/#validation-error"
                assert list(response.json()["errors"]) == [parameter]
        for query, parameter in BAD_CONSISTENCY:
            with self.subTest(query):
                response = self.auditor.get(f"/api/v1/ledger/proof/consistency/?{query}")
                assert response.status_code == 400, response.content
                assert list(response.json()["errors"]) == [parameter]

    def test_a_consistency_proof_verifies(self):
        old = self.sign()
        make_case(UserFactory(username="officer2", roles=[CASE_OFFICER]), purchaser="JA", lines=2)
        new = self.sign()
        body = self.auditor.get(f"/api/v1/ledger/proof/consistency/?from={old.tree_size}&to={new.tree_size}").json()
        assert (body["first"], body["second"]) == (5, 8)
        assert merkle.verify_consistency(
            5, 8, bytes.fromhex(old.root_hash), bytes.fromhex(new.root_hash), hashes(body["proof"])
        )
