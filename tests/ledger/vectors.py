"""Reading tests/ledger/known_answers.json: its typed values back into Python objects."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

PATH = Path(__file__).with_name("known_answers.json")


def typed(value):
    """{"$decimal": s}, {"$date": s}, {"$datetime": s[, "$zone": name]} -> Decimal, date, aware datetime."""
    if not isinstance(value, dict):
        return value
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    moment = dt.datetime.fromisoformat(value["$datetime"])
    return moment.replace(tzinfo=ZoneInfo(value["$zone"])) if "$zone" in value else moment


def typed_dict(values: dict) -> dict:
    return {key: typed(value) for key, value in values.items()}


def load() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


def chain() -> list[dict]:
    """The known event chain as rows the way verify_chain receives them (with ids and hashes)."""
    return [
        {**typed_dict(event["fields"]), "id": 100 + n, "hash": event["hash"]}
        for n, event in enumerate(load()["event_chain"])
    ]
