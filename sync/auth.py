"""Agent tokens for the sync server: made once, shown once, kept only as hashes.

A token is 32 random bytes, so a plain SHA-256 of it is enough to store: no
one can guess a token from its hash, and lookups stay one indexed read. An
agent is known by e-mail address, the one part of `Name <email>` that is
stable; snapshot authors are matched on it, case-insensitively.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass

from sync.errors import AccessError

#: Tokens start with this so one pasted into the wrong place is recognisable.
TOKEN_PREFIX = "odk_"
_PERSON = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


@dataclass(frozen=True, slots=True)
class Agent:
    """Who a token belongs to; an admin may also relay other agents' snapshots."""

    name: str | None
    email: str
    admin: bool = False

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def email_of(author: str | None) -> str | None:
    """The lower-cased e-mail address in `Name <email>` or a bare address."""
    if not author:
        return None
    match = _PERSON.match(author)
    if match:
        return match["email"].lower()
    text = author.strip()
    return text.lower() if _EMAIL.match(text) else None


def parse_agent(text: str, *, admin: bool = False) -> Agent:
    """Read `Name <email>` (or a bare address) or raise ValueError saying why."""
    match = _PERSON.match(text)
    if match:
        name = match["name"].strip().strip('"') or None
        return Agent(name, match["email"].lower(), admin)
    email = email_of(text)
    if email is None:
        raise ValueError(f'{text!r} is not an agent; write it as "Name <email>"')
    return Agent(None, email, admin)


def no_token() -> AccessError:
    return AccessError(
        "no token was sent (expected 'Authorization: Bearer TOKEN')", 401
    )


def unknown_token() -> AccessError:
    return AccessError("the token is not known to this server", 401)


def revoked_token(when: str) -> AccessError:
    return AccessError(
        f"the token was revoked on {when}; ask the server's admin for a new one", 403
    )
