"""Signed tree heads in the formats anyone can check with standard tools; pure (no Django, no I/O).

- A checkpoint is a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, base64
  root hash, then optional extension lines (ours: `time <UTC ISO 8601>`), each ending in a newline.
- It is signed as a C2SP signed-note (c2sp.org/signed-note) with Ed25519: the text, a blank line,
  then `— <key name> base64(key ID ‖ signature)`, key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
- Keys are Go's golang.org/x/mod/sumdb/note strings: the verifier key `<name>+<hex key ID>+base64(0x01 ‖
  public key)` and the signer key `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)`, so a key made
  here signs and verifies with Go's tooling (tests/ledger/test_checkpoint.py checks Go's own vector).

The key name is the log's origin (as the checkpoint spec recommends), so the key file is the only
place the log's identity is configured.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # em dash (U+2014) and a space
MAX_SIGNATURES = 16
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_SIZE = re.compile(r"0|[1-9][0-9]*", re.ASCII)


class NoteError(ValueError):
    """A note, checkpoint or key that is malformed, or a signature that does not verify."""


def valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _b64decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError(f"not base64: {text!r}") from error
    if base64.b64encode(raw).decode() != text:  # one spelling per value
        raise NoteError(f"not canonical base64: {text!r}")
    return raw


def _key_parts(name: str, hex_id: str, data: str, what: str) -> bytes:
    """Check a key string's name, key ID and type byte; return its 32 key bytes."""
    if not valid_key_name(name):
        raise NoteError(f"{what}: invalid key name {name!r}")
    raw = _b64decode(data)
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError(f"{what}: not an Ed25519 key")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise NoteError(f"{what}: the key ID must be 8 lowercase hex digits")
    return raw[1:]


@dataclass(frozen=True)
class VerifierKey:
    """A log's public key and name: `vkey` is what a purchaser is given and pins."""

    name: str
    public_key: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(bytes([ED25519]) + self.public_key).decode()}"

    @classmethod
    def parse(cls, vkey: str) -> "VerifierKey":
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("verifier key: expected <name>+<key ID>+<key data>")
        key = cls(parts[0], _key_parts(*parts, what="verifier key"))
        if key.id.hex() != parts[1]:
            raise NoteError("verifier key: the key ID does not match the name and key")
        return key

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SignerKey:
    """A log's private key (the Ed25519 seed) and name, as kept in LEDGER_SIGNING_KEY_FILE."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> "SignerKey":
        if not valid_key_name(name):
            raise NoteError(f"invalid key name {name!r}")
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, skey: str) -> "SignerKey":
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("signer key: expected PRIVATE+KEY+<name>+<key ID>+<key data>")
        key = cls(parts[2], _key_parts(*parts[2:], what="signer key"))
        if key.verifier.id.hex() != parts[3]:
            raise NoteError("signer key: the key ID does not match the name and key")
        return key

    @property
    def skey(self) -> str:
        data = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{data}"

    @property
    def verifier(self) -> VerifierKey:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return VerifierKey(self.name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign_note(self, text: str) -> str:
        _check_text(text)
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text.encode())
        line = base64.b64encode(self.verifier.id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {line}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if _CONTROL.search(text):
        raise NoteError("a note contains no control characters other than newline")


def open_note(note: str, key: VerifierKey) -> str:
    """The note's text, once a signature by `key` verifies; NoteError otherwise.

    Signatures by other keys are ignored (C2SP signed-note: that is how keys rotate and witnesses
    cosign); a signature that names this key and ID but does not verify rejects the whole note.
    """
    _check_text(note)
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("a signed note has a blank line before its signatures")
    text, lines = note[: cut + 1], note[cut + 2 :].removesuffix("\n").split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signatures")
    verified = False
    for line in lines:
        name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).rpartition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not valid_key_name(name):
            raise NoteError(f"malformed signature line {line!r}")
        raw = _b64decode(encoded)
        if len(raw) < 5:
            raise NoteError(f"malformed signature line {line!r}")
        if name != key.name or raw[:4] != key.id:
            continue
        if not key.verify(text.encode(), raw[4:]):
            raise NoteError(f"the signature by {name} does not verify")
        verified = True
    if not verified:
        raise NoteError(f"the note is not signed by {key.name}+{key.id.hex()}")
    return text


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its RFC 9162 root hash, and extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode(), *self.extensions]
        if not self.origin or any(not line or "\n" in line for line in lines):
            raise NoteError("a checkpoint's lines are non-empty and hold no newline")
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        lines = text.removesuffix("\n").split("\n")
        if not text.endswith("\n") or len(lines) < 3 or not all(lines):
            raise NoteError("a checkpoint is at least three non-empty lines, each ending in a newline")
        if not _SIZE.fullmatch(lines[1]):
            raise NoteError(f"tree size {lines[1]!r} is not a decimal without leading zeros")
        root_hash = _b64decode(lines[2])
        if len(root_hash) != 32:
            raise NoteError("the root hash is not 32 bytes")
        return cls(lines[0], int(lines[1]), root_hash, tuple(lines[3:]))
