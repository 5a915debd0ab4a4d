"""The app's only calls into the sync and pipeline packages, which land separately.

Each function checks whether the other team's module is present and what it
offers, so the window can show or hide sync and the quarantine without
knowing more than these few names.
"""

import importlib
import importlib.util
import logging
import sys
from types import ModuleType
from typing import Any

from desktop.store.store import Store

log = logging.getLogger(__name__)

#: `desktop.syncing.STATE_PREFIX`, for before that module is imported.
STATE_PREFIX = "sync.state "


def _module(name: str) -> ModuleType | None:
    """The module, or None when it is absent or cannot load (the app runs without)."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name)
    except Exception as e:  # another package's import failure must not stop the app
        log.warning("%s is present but did not load, running without it: %s", name, e)
        return None


def sync_available() -> bool:
    """Whether sync is installed, without importing it.

    Importing `desktop.syncing` brings in httpx and pydantic (over a second
    here), so the window only checks that it exists and imports it on the
    worker thread at the first sync.
    """
    try:
        return importlib.util.find_spec("desktop.syncing") is not None
    except (ImportError, ValueError):
        return False


def syncing() -> ModuleType | None:
    """`desktop.syncing` if it is installed and has a `sync(store)` entry point."""
    module = _module("desktop.syncing")
    return module if module is not None and hasattr(module, "sync") else None


def pipeline() -> ModuleType | None:
    """`desktop.pipeline.quarantine` when the pipeline is installed, else None."""
    module = _module("desktop.pipeline.quarantine")
    return module if module is not None and hasattr(module, "items") else None


def remote(store: Store) -> tuple[str, bool]:
    """The configured server URL and whether a token is held for it."""
    module = _module("desktop.remote")
    if module is None or not sync_available():
        return "", False
    configured = store.setting(getattr(module, "REMOTE_KEY", "sync.remote"))
    if not configured:
        return "", False
    url = str(configured.get("url") or "")
    try:
        return url, bool(module.load_token(store.data_dir, url))
    except Exception:  # an unreadable token file: the settings dialog says unset
        log.warning("cannot tell whether a token is held for %s", url, exc_info=True)
        return url, False


def set_remote(store: Store, url: str, token: str | None) -> list[str]:
    """Point this data dir at a server; with no new token, keep the one held."""
    module = _module("desktop.remote")
    if module is None:
        return []
    if token is None:
        token = module.current(store).token or ""
    return list(module.set_remote(store, url, token))


def sync(store: Store) -> dict[str, Any]:
    """One sync, as a dict the indicator reads (sent, received, skew_ms, waiting)."""
    module = syncing()
    if module is None:
        return {"error": "sync is not available in this build"}
    summary = module.sync(store)
    result: dict[str, Any] = dict(summary.to_json())
    result["waiting"] = waiting(store)
    return result


def waiting(store: Store) -> int:
    """Local snapshots the server has not had yet (an upper bound)."""
    # TODO: counts every snapshot stored since the push cursor, pulled ones
    # included until the next sync moves it; the indicator may say "3 local
    # changes waiting" for changes that came from the server.
    url, _ = remote(store)
    if not url:
        return 0
    module = sys.modules.get("desktop.syncing")  # never imported just for this
    prefix = getattr(module, "STATE_PREFIX", STATE_PREFIX)
    state = store.setting(prefix + url) or {}
    return max(0, store.last_seq() - int(state.get("push", 0)))


def stages(store: Store) -> list[tuple[str, bool]]:
    """The pipeline's stages in order, with whether each is on."""
    module = _module("desktop.pipeline.pipeline")
    if module is None:
        return []
    return [(s.name, s.enabled) for s in module.Pipeline.for_store(store).stages()]


def set_stages(store: Store, wanted: list[tuple[str, bool]], agent: str) -> None:
    """Make the pipeline match `wanted`: each stage on or off, in that order."""
    module = _module("desktop.pipeline.pipeline")
    if module is None:
        return
    pipe = module.Pipeline.for_store(store)
    held = dict(stages(store))
    for name, enabled in wanted:
        if held.get(name) != enabled:
            (pipe.enable if enabled else pipe.disable)(name, agent)
    names = [name for name, _ in wanted]
    for previous, name in zip(names, names[1:], strict=False):
        order = [n for n, _ in stages(store)]
        if order.index(name) != order.index(previous) + 1:
            pipe.move(name, after=previous, author=agent)


def quarantined(store: Store) -> list[Any]:
    """Held quarantine items, oldest first (their `to_json()` is shown)."""
    module = pipeline()
    return list(module.items(store)) if module is not None else []


def quarantine_count(store: Store) -> int:
    module = pipeline()
    return int(module.held_count(store)) if module is not None else 0


def retry_quarantined(desk: Any, item: int) -> dict[str, Any]:
    """Run a held change through the pipeline again; says whether it committed."""
    from desktop.pipeline.retry import retry

    result = retry(desk, item)
    return {"committed": bool(result.committed), "text": result.text()}


def drop_quarantined(store: Store, item: int, agent: str, reason: str | None) -> None:
    module = pipeline()
    if module is not None:
        module.drop(store, item, agent, reason)
