"""What every command shares: argument types, so a mistake is a usage error
(exit 2) with argparse's own message rather than a traceback from deeper down,
and output, so ticket text can never drive the terminal."""

import argparse
import json
from collections.abc import Callable
from typing import Any

from desktop.store.dbapi import SQL_INT_MAX
from desktop.ticket import SORTS


def whole_number(low: int = 0, high: int = SQL_INT_MAX) -> Callable[[str], int]:
    """A whole number from `low` to `high`, written in ASCII digits."""

    def parse(text: str) -> int:
        digits = text.strip()
        sign = digits[:1] == "-"
        body = digits[1:] if sign else digits
        if not (body.isascii() and body.isdigit()):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        value = int(digits)
        if value < low:
            raise argparse.ArgumentTypeError(f"{text!r}: must be {low} or more")
        if value > high:
            raise argparse.ArgumentTypeError(f"{text!r}: must be {high} at most")
        return value

    return parse


def sort_order(text: str) -> str:
    """A list order: a field of SORTS, with '-' in front to descend."""
    if text.removeprefix("-") not in SORTS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a sort order; use one of: {', '.join(SORTS)} "
            "(put '-' in front to descend)"
        )
    return text


#: Control characters shown as their visible pictures (␛ for ESC): ticket text
#: comes from requesters and other replicas, and an escape sequence printed raw
#: could recolour, retitle or clear the agent's terminal.
_PICTURES = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_PICTURES |= {0x7F: 0x2421} | {c: 0xFFFD for c in range(0x80, 0xA0)}


def terminal_safe(text: str) -> str:
    return text.translate(_PICTURES)


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print `data` as JSON with --json, else the human-readable `text`."""
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif text:
        print(terminal_safe(text))


def assignment(item: str) -> tuple[str, str]:
    """`--set FIELD=VALUE`, split; anything else is a usage mistake (exit 2)."""
    field, sep, value = item.partition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"{item!r}: write it as FIELD=VALUE")
    return field.strip(), value
