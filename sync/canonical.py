"""Canonical JSON: the one byte form that content addresses are computed over."""

import hashlib
from typing import Any

import orjson


def canonical_json(value: Any) -> bytes:
    """Encode with sorted keys, no spaces and UTF-8, so equal values give equal bytes.

    Values come from parsed JSON or validated documents, so they hold no NaN or
    infinity (orjson would write those as null, and parsing refuses them).
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as e:
        raise ValueError(f"not representable as canonical JSON: {e}") from e


def parse_json(data: bytes | str) -> Any:
    """Strict RFC 8259 parsing: NaN, Infinity and other extensions are refused."""
    return orjson.loads(data)


def content_id(value: Any) -> str:
    """The SHA-256 hex digest of the canonical JSON of `value`."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON value; much cheaper than `copy.deepcopy` on documents."""
    return orjson.loads(orjson.dumps(value))
