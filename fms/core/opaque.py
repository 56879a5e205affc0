"""Opaque values: ids and cursors that carry numbers the reader must not see (DESIGN §8).

A purchaser must not learn other purchasers' volume from the numbers it is handed: a global event
id or a case's primary key inside a cursor counts everybody's records. These helpers hide them.

- `seal_pair`/`open_pair`: two 64-bit numbers as one AES block under a key for a scope (e.g. the
  purchaser's feed). One block under a fixed key is a pseudorandom permutation: the same pair always
  gives the same 22-character id (so an id stays stable across reads), and nothing of the numbers
  shows. Anything not sealed under that key opens to a random pair, which the caller then fails to
  find (a 400 or 404, never someone else's record).
- `seal_bytes`/`open_bytes`: any short payload (a page cursor) with AES-GCM under a synthetic
  nonce: hidden, authenticated (a forged or altered one opens to None) and deterministic.

Keys derive from SECRET_KEY: rotating it invalidates outstanding cursors and changes opaque ids.
"""

import base64
import binascii
import hashlib
import hmac
import re
import struct
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PAIR = re.compile(r"[A-Za-z0-9_-]{22}", re.ASCII)
_NONCE = 12


@cache
def _derived(secret: str, scope: str) -> bytes:
    return hmac.new(secret.encode(), f"fms-opaque:{scope}".encode(), hashlib.sha256).digest()


def _key(scope: str) -> bytes:
    return _derived(settings.SECRET_KEY, scope)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _block_cipher(scope: str) -> Cipher:
    # One 16-byte block only, never a message: a block cipher applied once is the point here.
    return Cipher(algorithms.AES(_key(scope)), modes.ECB())  # noqa: S305


def seal_pair(scope: str, first: int, second: int) -> str:
    encryptor = _block_cipher(scope).encryptor()
    return _b64(encryptor.update(struct.pack(">QQ", first, second)) + encryptor.finalize())


def open_pair(scope: str, text: str) -> tuple[int, int] | None:
    """The pair sealed in `text` under `scope`, or None when it is not a sealed pair's shape."""
    if not _PAIR.fullmatch(text):
        return None
    block = _unb64(text)
    if block is None or len(block) != 16 or _b64(block) != text:
        return None
    decryptor = _block_cipher(scope).decryptor()
    first, second = struct.unpack(">QQ", decryptor.update(block) + decryptor.finalize())
    return first, second


def seal_bytes(scope: str, payload: bytes) -> str:
    # A synthetic nonce (an HMAC of the payload, as in SIV): the same page gets the same cursor every
    # time (comparable, cacheable), and equal cursors reveal only that they are equal.
    nonce = hmac.new(_key(f"{scope}:nonce"), payload, hashlib.sha256).digest()[:_NONCE]
    return _b64(nonce + AESGCM(_key(scope)).encrypt(nonce, payload, None))


def open_bytes(scope: str, text: str) -> bytes | None:
    """The payload sealed in `text` under `scope`, or None for anything this code did not seal."""
    raw = _unb64(text) if re.fullmatch(r"[A-Za-z0-9_-]+", text, re.ASCII) else None
    if raw is None or len(raw) <= _NONCE:
        return None
    try:
        return AESGCM(_key(scope)).decrypt(raw[:_NONCE], raw[_NONCE:], None)
    except InvalidTag:
        return None
