#!/usr/bin/env python3
"""Check FMS Records' transparency log yourself: standard library plus `cryptography`.

    pip install cryptography
    python3 verify_ledger_proofs.py --url https://fms.example.org --token fms_... \\
        --vkey 'fms.example.org/ledger+1a2b3c4d+AU...' --state ledger-head.txt

It fetches the latest signed tree head, checks its signature against the verifier key you were
given (never the one the server serves), checks that every event you can read is in that tree
(RFC 9162 inclusion proofs), and checks that the tree extends the head you saved last time (a
consistency proof) before saving the new head. Exit status 0: all checks passed; 1: a check failed
(the log was rewritten, or the head is not signed by your key); 2: the check could not run.

Formats: RFC 9162 §2.1 (leaf = the event's 32-byte hash), C2SP tlog-checkpoint and signed-note
(Ed25519), Go's sumdb note verifier key. This file deliberately shares no code with the server: it
is an independent implementation of those specifications.
"""

import argparse
import base64
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class CheckFailed(Exception):
    """The log does not prove what it should: exit 1."""


class CannotCheck(Exception):
    """The check could not run (network, HTTP error, bad arguments): exit 2."""


# ---- RFC 9162 §2.1 ------------------------------------------------------------------------------


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2 (plus its trivial cases: equal sizes, and the empty first tree)."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = ([first_root] if first & (first - 1) == 0 else []) + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# ---- C2SP signed-note and tlog-checkpoint --------------------------------------------------------


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(key name, key ID, Ed25519 public key) of a `<name>+<hex key ID>+<base64(0x01 ‖ key)>` string."""
    try:
        name, key_id_hex, data = vkey.strip().split("+", 2)
        raw = base64.b64decode(data, validate=True)
    except ValueError as error:
        raise CannotCheck(f"the verifier key is malformed: {error}") from error
    if len(raw) != 33 or raw[0] != 0x01:
        raise CannotCheck("the verifier key is not an Ed25519 note key")
    key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != key_id_hex:
        raise CannotCheck("the verifier key's ID does not match its name and key")
    return name, key_id, raw[1:]


def open_note(note: str, vkey: str) -> str:
    """The note's text once a signature by the pinned key verifies; CheckFailed otherwise."""
    name, key_id, public_key = parse_vkey(vkey)
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise CheckFailed("the signed head is not a signed note")
    text = note[: cut + 1]
    verified = False
    for line in note[cut + 2 :].removesuffix("\n").split("\n"):
        signer, _, signature = line.removeprefix("— ").rpartition(" ")
        try:
            raw = base64.b64decode(signature, validate=True)
        except ValueError as error:
            raise CheckFailed(f"malformed signature line {line!r}") from error
        if not line.startswith("— ") or signer != name or raw[:4] != key_id:
            continue  # another key's signature (a witness, or a rotated key): ignored
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(raw[4:], text.encode())
        except InvalidSignature as error:
            raise CheckFailed(f"the signature by {name} on the tree head does not verify: forged") from error
        verified = True
    if not verified:
        raise CheckFailed(f"the tree head is not signed by your key {name}+{key_id.hex()}")
    return text


def parse_checkpoint(text: str, origin: str) -> tuple[int, bytes]:
    lines = text.removesuffix("\n").split("\n")
    if len(lines) < 3 or lines[0] != origin:
        raise CheckFailed(f"the signed head is not a checkpoint of {origin}")
    if not (lines[1].isascii() and lines[1].isdecimal()):
        raise CheckFailed("the signed head's tree size is not a number")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except ValueError as error:
        raise CheckFailed("the signed head's root hash is not base64") from error
    if len(root) != 32:
        raise CheckFailed("the signed head's root hash is not 32 bytes")
    return int(lines[1]), root


def verified_head(note: str, vkey: str) -> tuple[int, bytes]:
    return parse_checkpoint(open_note(note, vkey), parse_vkey(vkey)[0])


def verified_saved_head(note: str, vkeys: list[str]) -> tuple[int, bytes]:
    """The head saved by an earlier run: signed by your key, or by a key it replaced (--previous-vkey)."""
    failures = []
    for vkey in vkeys:
        try:
            return verified_head(note, vkey)
        except CheckFailed as failure:
            failures.append(str(failure))
    raise CheckFailed(f"the saved head does not verify: {'; '.join(failures)}")


# ---- The API ------------------------------------------------------------------------------------


class Api:
    def __init__(self, url: str, token: str, timeout: float = 30):
        self.base, self.token, self.timeout = url.rstrip("/") + "/api/v1/", token, timeout

    def get(self, path: str, **params) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(  # noqa: S310 - the server you named, http(s) only (main())
            self.base + path + query,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code in (400, 404) and path.startswith("ledger/proof/"):
                # Every size asked for comes from a head the server signed: refusing to prove it means
                # the log no longer holds what was signed (entries were removed).
                raise CheckFailed(
                    f"the server cannot prove its own signed log: GET {path}{query}: HTTP {error.code} "
                    f"{error.read()[:300]!r}"
                ) from error
            raise CannotCheck(f"GET {path}{query}: HTTP {error.code} {error.read()[:300]!r}") from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise CannotCheck(f"GET {path}{query}: {error}") from error

    def events(self):
        """Every event this token can read, through the event feed."""
        after = ""
        while True:
            page = self.get("events/", **({"after": after} if after else {}), page_size=500)
            yield from page["results"]
            if not page["results"]:
                return
            after = page["next"]


def check(api: Api, vkey: str, state: Path | None, out, previous_vkeys: tuple[str, ...] = ()) -> None:
    head = api.get("ledger/checkpoints/latest/")
    size, root = verified_head(head["checkpoint"], vkey)
    if (size, root.hex()) != (head["tree_size"], head["root_hash"]):
        raise CheckFailed("the head's tree_size/root_hash fields differ from its signed checkpoint")
    print(f"signed tree head: size {size}, root {root.hex()}: signature verified", file=out)

    if state and state.exists():
        old_size, old_root = verified_saved_head(state.read_text(encoding="utf-8"), [vkey, *previous_vkeys])
        if old_size > size:
            raise CheckFailed(f"the log shrank: your saved head has {old_size} entries, the latest {size}")
        if old_size == size and old_root != root:
            raise CheckFailed(f"the signed head of {size} entries has another root than your saved one")
        if old_size < size:
            proof = api.get("ledger/proof/consistency/", **{"from": old_size, "to": size})
            path = [bytes.fromhex(h) for h in proof["proof"]]
            if not verify_consistency(old_size, size, old_root, root, path):
                raise CheckFailed(
                    f"the log of {size} does not extend your saved head of {old_size}: history was rewritten"
                )
        print(f"consistency with the head saved in {state} (size {old_size}): verified", file=out)

    checked = pending = 0
    failures = []
    for event in api.events():
        index = event.get("log_index")
        if index is None or index >= size:
            pending += 1  # newer than the signed head: checked on a later run
            continue
        proof = api.get("ledger/proof/inclusion/", event=event["id"], size=size)
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        if proof["leaf_index"] != index or not verify_inclusion(bytes.fromhex(event["hash"]), index, size, path, root):
            failures.append(f"event {event['id']} (log index {index}, hash {event['hash']}) is not in the signed log")
        checked += 1
    print(f"inclusion: {checked} events verified in the signed head, {pending} newer than it", file=out)
    if failures:
        more = f" (and {len(failures) - 20} more)" if len(failures) > 20 else ""
        raise CheckFailed("; ".join(failures[:20]) + more)

    if state:
        state.write_text(head["checkpoint"], encoding="utf-8")
        print(f"saved the signed head in {state} for the next run's consistency check", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the server, e.g. https://fms.example.org")
    parser.add_argument("--token", required=True, help="your API token (fms_...)")
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--vkey", help="the log's verifier key you were given: name+keyid+base64")
    key.add_argument("--vkey-file", type=Path, help="a file holding that verifier key")
    parser.add_argument(
        "--previous-vkey",
        action="append",
        default=[],
        help="after a key rotation: the old verifier key, accepted for the head saved in --state",
    )
    parser.add_argument("--state", type=Path, help="file with the head saved by the previous run (updated on success)")
    args = parser.parse_args(argv)
    if urllib.parse.urlsplit(args.url).scheme not in ("http", "https"):
        parser.error("--url must be an http:// or https:// URL")
    try:
        vkey = args.vkey or args.vkey_file.read_text(encoding="utf-8").strip()
        parse_vkey(vkey)
        for previous in args.previous_vkey:
            parse_vkey(previous)
        check(Api(args.url, args.token), vkey, args.state, sys.stdout, tuple(args.previous_vkey))
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except (CannotCheck, OSError) as problem:
        print(f"could not check: {problem}", file=sys.stderr)
        return 2
    print("OK: the ledger proves every event you can read, under your key", file=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
