"""The read audit's way to the database: a local append-only spool, shipped in batches.

Why: a row per read must not cost a database round trip on the read path, and no row may be lost
when a worker is killed right after answering (issue #14). So each worker appends its rows to a
spool file of its own and the write reaches the kernel (and, with READ_AUDIT_FSYNC, the disk)
*before* the response leaves the worker. A thread in the worker ships the spool every
READ_AUDIT_FLUSH_SECONDS or READ_AUDIT_BATCH rows: it starts a new file, inserts the old one's rows
in one statement, and deletes the file. A killed worker leaves its file behind; whoever next holds
no lock on it ships it: every worker at start and on every flush, and `ship_read_audit`.

Each file is locked (flock) by the worker writing it, so a live worker's file is never taken.
Each row carries a uuid made when it is spooled and the insert skips uuids already there, so a
file shipped twice (a shipper killed between the insert and the unlink) is recorded once.
"""

import atexit
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)
SUFFIX = ".spool"
FIELDS = ("entry", "at", "user_id", "via", "purchaser_id", "object", "request_id")
_INSERT = (
    "INSERT INTO accounts_readaudit (entry, at, user_id, via, purchaser_id, object, request_id) "
    "SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r(entry uuid, at timestamptz, user_id bigint, via text, "
    "purchaser_id text, object text, request_id text) ON CONFLICT (entry) DO NOTHING"
)


def spool_dir() -> Path:
    path = Path(settings.READ_AUDIT_SPOOL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _open_locked(directory: Path):
    path = directory / f"{os.getpid()}-{uuid.uuid4().hex}{SUFFIX}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return path, fd


@dataclass
class _Spool:
    """This process's current spool file (a forked worker opens its own)."""

    pid: int = 0
    path: Path | None = None
    fd: int = -1
    rows: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_spool = _Spool()


def append(rows: list[dict]) -> None:
    """Make `rows` durable locally before the response is sent: one write (and fsync) per request."""
    data = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows).encode()
    with _spool.lock:
        if _spool.pid != os.getpid() or _spool.fd < 0:
            _spool.pid = os.getpid()
            _spool.path, _spool.fd = _open_locked(spool_dir())
            _spool.rows = 0
            _start_flusher()
        os.write(_spool.fd, data)
        if settings.READ_AUDIT_FSYNC:
            os.fdatasync(_spool.fd)
        _spool.rows += len(rows)
        full = _spool.rows >= settings.READ_AUDIT_BATCH
    if full:
        _wake.set()


def _rotate() -> tuple[Path, int] | None:
    """Start a new file and hand back the old one (still locked) to ship, if it has rows."""
    with _spool.lock:
        if _spool.fd < 0 or _spool.pid != os.getpid() or _spool.rows == 0:
            return None
        old = _spool.path, _spool.fd
        _spool.path, _spool.fd = _open_locked(spool_dir())
        _spool.rows = 0
        return old


def _rows_of(path: Path) -> list[dict]:
    rows = []
    for line in path.read_bytes().splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            # Only the last line of a worker killed in the middle of a write can be cut: that
            # request never got its response out, so there is no read to record.
            log.warning("read audit: skipped a cut line in %s", path.name)
            continue
        rows.append({name: row.get(name) for name in FIELDS})
    return rows


def _ship_file(path: Path) -> int:
    rows = _rows_of(path)
    if rows:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT, [json.dumps(rows)])
    path.unlink()
    return len(rows)


def _ship_locked(path: Path, fd: int) -> int:
    try:
        return _ship_file(path)
    finally:
        os.close(fd)  # releases the flock


def ship_orphans() -> int:
    """Ship every spool file no live process holds (left by killed or stopped workers)."""
    shipped = 0
    for path in sorted(spool_dir().glob(f"*{SUFFIX}")):
        if path == _spool.path:
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # shipped by another process meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if not path.exists():  # shipped and unlinked between our listing and our lock
            os.close(fd)
            continue
        shipped += _ship_locked(path, fd)
    return shipped


def flush() -> int:
    """Ship this process's rows now, then any orphans. Returns the number of rows shipped."""
    old = _rotate()
    shipped = _ship_locked(*old) if old else 0
    return shipped + ship_orphans()


def close() -> None:
    """Stop writing to this process's file (left for the next flush or start to ship)."""
    with _spool.lock:
        if _spool.fd >= 0 and _spool.pid == os.getpid():
            os.close(_spool.fd)
        _spool.fd, _spool.path, _spool.rows = -1, None, 0


# ---- the flusher thread ------------------------------------------------------------------------

_wake = threading.Event()
_flusher_pid = 0


def _run_flusher() -> None:
    while True:
        _wake.wait(settings.READ_AUDIT_FLUSH_SECONDS)
        _wake.clear()
        try:
            close_old_connections()
            flush()
        except Exception as error:
            # The database may be away (a restart): the rows stay in their files, shipped next time.
            # A warning, not a traceback: this is an expected state, not a fault of the code.
            log.warning("read audit: shipping the spool failed (%s); retrying", type(error).__name__)
            connection.close()
            time.sleep(1)


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception as error:
        log.warning("read audit: not shipped at exit (%s); the next start ships it", type(error).__name__)


def _start_flusher() -> None:
    """One daemon thread per process, when settings allow (not in the tests, which call flush())."""
    global _flusher_pid
    if not settings.READ_AUDIT_FLUSHER or _flusher_pid == os.getpid():
        return
    _flusher_pid = os.getpid()
    atexit.register(_flush_at_exit)  # a worker stopped gracefully ships its own rows
    threading.Thread(target=_run_flusher, name="read-audit-flusher", daemon=True).start()


def start() -> None:
    """At server start (fms/wsgi.py): ship what earlier workers left, and keep shipping."""
    if settings.READ_AUDIT_FLUSHER:
        _start_flusher()
        _wake.set()
