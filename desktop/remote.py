"""Which sync server this data dir talks to, and where its token is kept.

The URL lives in the store's settings; the token does not, because a store is
copied around (backups, bundles of the whole dir) and a token is a password.
It goes to the OS keyring. Where no keyring exists (a server, a bare Linux
desktop) it goes to a file in the data dir that only the user can read, and
the agent is told so once, when it is set.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from desktop.errors import UserError
from desktop.store.store import Store

log = logging.getLogger(__name__)

REMOTE_KEY = "sync.remote"
KEYRING_SERVICE = "offdesk"
TOKEN_FILE = "remote-tokens.json"


@dataclass(frozen=True, slots=True)
class Remote:
    url: str
    token: str | None


def normalize_url(text: str) -> str:
    """`http(s)://host[:port][/path]` without a trailing slash, or UserError."""
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"{text!r} is not a server address; write it as http://HOST:PORT"
        )
    if parts.query or parts.fragment:
        raise UserError(f"{text!r}: a server address has no '?' or '#' part")
    return url


def set_remote(store: Store, url: str, token: str) -> list[str]:
    """Remember the server and its token; returns warnings (no keyring)."""
    url = normalize_url(url)
    token = token.strip()
    if not token:
        raise UserError("--token is empty; paste the token the server's admin gave you")
    warnings = _save_token(store.data_dir, url, token)
    store.set_setting(REMOTE_KEY, {"url": url})
    log.info("remote set to %s", url)
    return warnings


def current(store: Store) -> Remote:
    configured = store.setting(REMOTE_KEY)
    if not configured:
        raise UserError(
            "no sync server is set for this data dir; run: offdesk remote set URL "
            "--token TOKEN"
        )
    url = str(configured["url"])
    return Remote(url, load_token(store.data_dir, url))


def load_token(data_dir: Path, url: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            token = keyring.get_password(KEYRING_SERVICE, url)
        except KeyringError:
            token = None
    except ImportError:
        token = None
    if token:
        return str(token)
    return _read_file(data_dir).get(url)


def _save_token(data_dir: Path, url: str, token: str) -> list[str]:
    try:
        import keyring
        from keyring.errors import KeyringError

        keyring.set_password(KEYRING_SERVICE, url, token)
    except (ImportError, KeyringError, RuntimeError) as e:
        path = _write_file(data_dir, url, token)
        message = (
            f"no OS keyring is available ({type(e).__name__}), so the token is kept "
            f"in {path}, readable only by you"
        )
        log.warning("%s", message)
        return [message]
    # A token saved in the keyring must not linger in an older fallback file.
    if url in _read_file(data_dir):
        _write_file(data_dir, url, None)
    return []


def _token_path(data_dir: Path) -> Path:
    return Path(data_dir) / TOKEN_FILE


def _read_file(data_dir: Path) -> dict[str, str]:
    try:
        data = json.loads(_token_path(data_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise UserError(
            f"cannot read the token file {_token_path(data_dir)} ({e}); set the "
            "token again with: offdesk remote set URL --token TOKEN"
        ) from e
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(data_dir: Path, url: str, token: str | None) -> Path:
    """Rewrite the token file atomically, created 0600 so no one else can read it."""
    path = _token_path(data_dir)
    tokens = _read_file(data_dir)
    if token is None:
        tokens.pop(url, None)
    else:
        tokens[url] = token
    partial = path.with_name(path.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(tokens, out, indent=2)
        partial.replace(path)
    except OSError as e:
        raise UserError(f"cannot save the token in {path}: {e.strerror}") from e
    return path
