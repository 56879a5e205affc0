"""C2SP signed notes and tlog checkpoints: Go's sumdb/note known answer, and what is refused."""

import base64

import pytest

from fms.ledger.checkpoint import Checkpoint, NoteError, SignerKey, VerifierKey, open_note

# golang.org/x/mod/sumdb/note, note.go's example and note_test.go.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_gos_signed_note_byte_for_byte():
    signer = SignerKey.parse(GO_SKEY)
    assert signer.skey == GO_SKEY
    assert signer.verifier.vkey == GO_VKEY
    assert signer.sign_note(GO_TEXT) == GO_NOTE


def test_gos_note_opens_with_gos_verifier_key():
    assert open_note(GO_NOTE, VerifierKey.parse(GO_VKEY)) == GO_TEXT


def test_a_changed_text_is_refused():
    with pytest.raises(NoteError, match="the signature by PeterNeumann does not verify"):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), VerifierKey.parse(GO_VKEY))


def test_a_note_signed_by_another_key_of_the_same_name_is_refused():
    impostor = SignerKey.generate("PeterNeumann")
    with pytest.raises(NoteError, match=r"not signed by PeterNeumann\+c74f20a3"):
        open_note(impostor.sign_note(GO_TEXT), VerifierKey.parse(GO_VKEY))


def test_a_forged_signature_under_the_right_key_id_is_refused():
    forged = base64.b64encode(bytes.fromhex("c74f20a3") + bytes(64)).decode()
    with pytest.raises(NoteError, match="does not verify"):
        open_note(f"{GO_TEXT}\n— PeterNeumann {forged}\n", VerifierKey.parse(GO_VKEY))


def test_other_signers_are_ignored_so_keys_can_rotate():
    other = SignerKey.generate("example.org/witness")
    cosigned = GO_NOTE + other.sign_note(GO_TEXT).split("\n\n")[1]
    assert open_note(cosigned, VerifierKey.parse(GO_VKEY)) == GO_TEXT
    assert open_note(cosigned, other.verifier) == GO_TEXT


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (GO_TEXT, "blank line before its signatures"),
        (GO_NOTE.rstrip("\n"), "ends with a newline"),
        (GO_NOTE.replace("problem,", "problem,\x07"), "no control characters"),
        (GO_NOTE.replace("— ", "-- "), "malformed signature line"),
        (GO_NOTE.replace("x08go", "x08g*"), "not base64"),
    ],
)
def test_malformed_notes_are_refused(note, message):
    with pytest.raises(NoteError, match=message):
        open_note(note, VerifierKey.parse(GO_VKEY))


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key ID does not match"),
        (  # type byte 0x02 (ECDSA) instead of 0x01
            "PeterNeumann+c74f20a3+" + base64.b64encode(b"\x02" + bytes(32)).decode(),
            "not an Ed25519 key",
        ),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid key name"),
        ("PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq", "expected <name>"),
    ],
)
def test_malformed_verifier_keys_are_refused(vkey, message):
    with pytest.raises(NoteError, match=message):
        VerifierKey.parse(vkey)


def test_a_generated_key_round_trips():
    key = SignerKey.generate("fms.example/ledger")
    assert SignerKey.parse(key.skey) == key
    assert VerifierKey.parse(key.verifier.vkey) == key.verifier
    text = Checkpoint("fms.example/ledger", 3, bytes(range(32))).text()
    assert open_note(key.sign_note(text), key.verifier) == text


def test_the_c2sp_example_checkpoint_parses():
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = Checkpoint.parse(text)
    assert (checkpoint.origin, checkpoint.size, checkpoint.extensions) == ("example.com/behind-the-sofa", 20852163, ())
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.text() == text


def test_a_checkpoint_with_an_extension_line_round_trips():
    checkpoint = Checkpoint("fms.example/ledger", 0, bytes(32), ("time 2026-11-30T14:00:00Z",))
    assert checkpoint.text().endswith("\ntime 2026-11-30T14:00:00Z\n")
    assert Checkpoint.parse(checkpoint.text()) == checkpoint


ROOT = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"log\n012\n{ROOT}\n", "not a decimal without leading zeros"),
        (f"log\n١٢\n{ROOT}\n", "not a decimal without leading zeros"),
        (f"log\n-1\n{ROOT}\n", "not a decimal without leading zeros"),
        (f"log\n12\n{ROOT[:-4]}\n", "not 32 bytes"),
        (f"log\n12\n{ROOT}\n\nextension\n", "at least three non-empty lines"),
        (f"log\n12\n{ROOT}", "at least three non-empty lines"),
        ("log\n12\n", "at least three non-empty lines"),
    ],
)
def test_malformed_checkpoints_are_refused(text, message):
    with pytest.raises(NoteError, match=message):
        Checkpoint.parse(text)
