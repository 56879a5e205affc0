"""Purchasers' reads from a real streaming replica (DATABASE_REPLICA_URL): a hot standby made with
pg_basebackup -R from the suite's PostgreSQL. Purchasers poll their feed and case list through it
while cases are offered on the primary: each sees every one of its own offers once, in the feed's
order, never another purchaser's case nor an internal event. With replay paused (a replica as far
behind as it gets): a purchaser's read comes from the replica, a staff read from the primary, a
purchaser who has just written reads from the primary for READ_YOUR_WRITES_SECONDS and then from
the replica again, and a feed cursor the primary handed out stays valid on the replica."""

import re
import subprocess
import sys
import threading
import time

import psycopg
import pyotp
import pytest
import requests

from reliability.appserver import ROOT
from reliability.pgserver import PrivatePostgres

OFFERS = 12  # cases offered while the purchasers poll, alternately Japan's and Korea's
RYW_SECONDS = 3
APPLY_DELAY_MS = 300
PURCHASERS = {"client_ja": "JA", "client_ks": "KS"}


@pytest.fixture
def standby(pg, database):
    """The replica, once it has replayed the scenario's database."""
    server = PrivatePostgres()
    try:
        server.standby_of(pg).start()
        name = database.rsplit("/", 1)[1]
        deadline = time.monotonic() + 60
        while True:
            try:
                server.connect(name).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        server.destroy()


def offer_cases(env: dict[str, str], prefix: str, count: int) -> list[str]:
    """Cases taken to `proposed` and offered on the primary, through the services (milestones.py)."""
    command = [sys.executable, "-m", "reliability.milestones", prefix, str(count)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300)
    return done.stdout.split()


def replay_lag(pg, standby) -> float:
    """Bytes of WAL the standby has not replayed yet."""
    with pg.connect("postgres") as primary, standby.connect("postgres") as replica:
        written = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        return replica.execute("SELECT %s::pg_lsn - pg_last_wal_replay_lsn()", [written]).fetchone()[0]


def wait_for_replay(pg, standby, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while replay_lag(pg, standby) > 0:
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.1)


def with_token(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def signed_in(server, username: str) -> requests.Session:
    """A web session of a demo user who must pass a second factor: the password, then (first
    sign-in) the enrolment of an authenticator app. Purchasers write only there (their API tokens
    are read-only)."""
    session = requests.Session()
    session.get(f"{server.base}/login/", timeout=15)
    password = f"{username}-demo-pass"  # load_demo's
    form = {"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    enrol = session.post(f"{server.base}/login/", data=form, timeout=15)
    assert "/mfa/enrol/" in enrol.url, enrol.url
    secret = re.search(r'id="totp-secret">([^<]+)<', enrol.text).group(1).replace(" ", "")
    form = {"code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    assert session.post(enrol.url, data=form, timeout=15).status_code == 200
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def replica_transactions(standby, name: str) -> int:
    with standby.connect("postgres") as conn:
        return conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [name]).fetchone()[0]


class Poller:
    """A purchaser's client: its feed from the start, and its case list, until stopped."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base, self.session = base, session
        self.events: list[dict] = []
        self.listed: set[str] = set()
        self.failures: list[tuple[str, int, str]] = []
        self.requests = 0
        self.after: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def get(self, path: str, **params) -> dict | None:
        self.requests += 1
        response = self.session.get(self.base + path, params=params, timeout=15)
        if response.status_code != 200:
            self.failures.append((path, response.status_code, response.text[:200]))
            return None
        return response.json()

    def poll_feed(self) -> None:
        body = self.get("/api/v1/events/", page_size=20, **({"after": self.after} if self.after else {}))
        if body is not None:
            self.events += body["results"]
            self.after = body["next"]

    def _run(self) -> None:
        rounds = 0
        while not self._stop.is_set():
            self.poll_feed()
            if rounds % 5 == 0 and (body := self.get("/api/v1/cases/", page_size=200)) is not None:
                self.listed |= {case["case_id"] for case in body["results"]}
            rounds += 1
            time.sleep(0.05)

    def start(self) -> "Poller":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)


def test_purchasers_poll_through_the_replica_while_the_primary_writes(pg, database, standby, tokens, gunicorn,
                                                                        figures):  # fmt: skip
    name = database.rsplit("/", 1)[1]
    with standby.connect("postgres", autocommit=True) as replica:
        # A replica behind as over a real network: each commit applied APPLY_DELAY after it was
        # made, while the transaction's other records arrive at once (so it is in progress there).
        replica.execute(f"ALTER SYSTEM SET recovery_min_apply_delay = '{APPLY_DELAY_MS}ms'")
        replica.execute("SELECT pg_reload_conf()")
    server = gunicorn(database, DATABASE_REPLICA_URL=standby.url(name))
    before = replica_transactions(standby, name)
    pollers = {user: Poller(server.base, with_token(tokens[user])).start() for user in PURCHASERS}
    lags: list[int] = []
    sampling = threading.Event()

    def sample_lag() -> None:
        while not sampling.is_set():
            lags.append(replay_lag(pg, standby))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample_lag, daemon=True)
    sampler.start()
    started = time.monotonic()
    offered = offer_cases(server.env, "Q", OFFERS)
    writing = time.monotonic() - started
    sampling.set()
    sampler.join(10)
    with pg.connect(name) as conn:
        # What each purchaser must end up with, from the primary: every event of its offered cases
        # that is a case milestone, in the feed's order (the transaction's id, then the event's).
        purchaser_of = dict(conn.execute("SELECT case_id, purchaser_id FROM cases_case").fetchall())
        milestones = conn.execute(
            """SELECT e.hash, c.case_id FROM cases_approvalevent e JOIN cases_case c ON c.id = e.case_id
               WHERE e.line_item_id IS NULL AND e.action = 'offer' AND c.case_id = ANY(%s) ORDER BY e.txid, e.id""",
            [offered],
        ).fetchall()
        feed_order = {row[0]: index for index, row in enumerate(conn.execute(
            "SELECT hash FROM cases_approvalevent ORDER BY txid, id").fetchall())}  # fmt: skip
    expected = {user: [h for h, case in milestones if purchaser_of[case] == code] for user, code in PURCHASERS.items()}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(set(expected[user]) <= {e["hash"] for e in pollers[user].events} for user in PURCHASERS):
            break
        time.sleep(0.2)
    time.sleep(0.5)  # a few more polls, which must bring nothing new
    for poller in pollers.values():
        poller.stop()
    server.stop()  # its sessions end, and with them the standby's statistics of them are flushed
    time.sleep(1)
    served_by_replica = replica_transactions(standby, name) - before

    for user, code in PURCHASERS.items():
        poller = pollers[user]
        hashes = [event["hash"] for event in poller.events]
        ours = [event["hash"] for event in poller.events if event["case"] in offered]
        figures(
            f"{user}: {poller.requests} requests through the replica, {len(hashes)} feed events "
            f"({len(ours)} of the {len(expected[user])} offers of its own made during the run), "
            f"{len(poller.listed)} cases listed, {len(poller.failures)} failed"
        )
        assert poller.failures == []
        assert len(hashes) == len(set(hashes)), "an event was handed out twice"
        assert hashes == sorted(hashes, key=feed_order.__getitem__), "the feed went out of order"
        assert ours == expected[user], "every offer of its own, once, in order"
        assert {purchaser_of[event["case"]] for event in poller.events} == {code}
        assert {purchaser_of[case] for case in poller.listed} == {code}
        assert {event["action"] for event in poller.events if event["case"] in offered} == {"offer"}
    figures(
        f"{OFFERS} cases offered on the primary in {writing:.1f}s; replica applying commits {APPLY_DELAY_MS} ms "
        f"late: replay lag sampled {len(lags)} times, max {max(lags)} bytes, {sum(1 for lag in lags if lag > 0)} "
        f"samples behind; "
        f"{served_by_replica} transactions on the replica's copy of the database"
    )
    assert served_by_replica >= sum(poller.requests for poller in pollers.values())
    assert any(lag > 0 for lag in lags), "the replica must have been behind while the purchasers polled"


def test_routing_and_read_your_writes_on_a_paused_replica(pg, database, standby, tokens, gunicorn, figures):
    name = database.rsplit("/", 1)[1]
    server = gunicorn(database, DATABASE_REPLICA_URL=standby.url(name), READ_YOUR_WRITES_SECONDS=str(RYW_SECONDS))
    client, officer = Poller(server.base, with_token(tokens["client_ja"])), with_token(tokens["officer"])
    admin = Poller(server.base, signed_in(server, "admin_ja"))  # Japan's administrator

    def status(session: requests.Session, path: str) -> int:
        return session.get(server.base + path, timeout=15).status_code

    def feed_to_the_end(poller: Poller) -> list[str]:
        seen = len(poller.events)
        while True:
            before = len(poller.events)
            poller.poll_feed()
            if len(poller.events) == before:
                return [event["hash"] for event in poller.events[seen:]]

    feed_to_the_end(client)
    with standby.connect("postgres", autocommit=True) as replica:
        replica.execute("SELECT pg_wal_replay_pause()")
        while replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != "paused":
            time.sleep(0.05)
        (case_id,) = offer_cases(server.env, "W", 1)  # Japan's
        path = f"/api/v1/cases/{case_id}/"

        assert status(client.session, path) == 404, "a purchaser's read comes from the (paused) replica"
        assert status(officer, path) == 200, "a staff read comes from the primary"
        assert feed_to_the_end(client) == [], "the replica has not replayed the offer"
        issued = admin.session.post(
            f"{server.base}/api/v1/purchaser-users/client_ja/tokens/", json={"days": 1, "name": "ryw"}, timeout=15
        )
        wrote_at = time.monotonic()
        assert issued.status_code == 201, issued.text
        assert status(admin.session, path) == 200, "after its write, the purchaser reads from the primary"
        from_primary = feed_to_the_end(admin)
        primary_cursor = admin.after
        assert time.monotonic() - wrote_at < RYW_SECONDS, "the reads above must be within the bound"
        time.sleep(max(0.0, wrote_at + RYW_SECONDS + 0.5 - time.monotonic()))
        assert status(admin.session, path) == 404, "past the bound, the replica again"
        # The primary's cursor names an event the replica has not replayed: still valid, nothing after it yet.
        held = len(admin.events)
        admin.poll_feed()
        assert admin.failures == []
        assert admin.after == primary_cursor
        assert len(admin.events) == held
        replica.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(pg, standby)

    with pg.connect(name) as conn:
        (offer,) = conn.execute(
            """SELECT e.hash FROM cases_approvalevent e JOIN cases_case c ON c.id = e.case_id
               WHERE c.case_id = %s AND e.action = 'offer' AND e.line_item_id IS NULL""",
            [case_id],
        ).fetchone()
    deadline = time.monotonic() + 30
    caught_up = []
    while offer not in caught_up and time.monotonic() < deadline:
        caught_up += feed_to_the_end(client)
        time.sleep(0.2)
    after_resume = feed_to_the_end(admin)
    figures(
        f"replay paused: purchaser read 404 (replica), staff read 200 (primary), purchaser after a write 200 "
        f"(primary) for {RYW_SECONDS}s then 404 (replica); feed from the primary's cursor on the replica: "
        f"{len(admin.events)} events, none repeated after resume ({len(after_resume)} new)"
    )
    assert offer in from_primary
    assert caught_up.count(offer) == 1, "the purchaser polling the replica gets the offer once replayed"
    assert offer not in after_resume, "the event read from the primary is not handed out again"
    assert status(client.session, path) == 200
    assert client.failures == []
    assert admin.failures == []
