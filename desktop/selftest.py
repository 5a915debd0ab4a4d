"""`offdesk --self-test`: prove a build works end to end, on a throw-away data dir.

Used on frozen builds and installed packages, where a missing module or data
file shows up only at run time. Each step prints one line; the exit status is 0
only if every step passed.
"""

import logging
import os
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from desktop.bundles import apply, create
from desktop.desk import Desk
from desktop.store.store import Store

log = logging.getLogger(__name__)


def run(say: Callable[[str], None]) -> int:
    """Run every step; returns the number of failed steps."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="offdesk-selftest-") as tmp:
        root = Path(tmp)
        for name, step in (
            ("store and ticket", _ticket),
            ("two-branch merge", _merge),
            ("window", _window),
        ):
            try:
                detail = step(root)
            except Exception:  # a self-test reports every failure, whatever it is
                failures += 1
                say(f"FAIL {name}\n{traceback.format_exc()}")
            else:
                say(f"ok   {name}: {detail}")
    return failures


def _ticket(root: Path) -> str:
    with Store(root / "a") as store:
        desk = Desk(store)
        desk.set_agent("Self Test <self-test@example.invalid>")
        record = desk.create(subject="Self-test ticket", requester="req@example.org")
        ref = record["doc"]["provisional"]
        desk.edit(ref, [("status", "open")], ["self-test"])
        desk.comment(ref, "It works.", public=True)
        state = desk.record(ref)
    if state["doc"]["status"] != "open" or len(state["doc"]["comments"]) != 1:
        raise AssertionError(f"unexpected ticket state {state['doc']}")
    return ref


def _merge(root: Path) -> str:
    with Store(root / "b1") as one, Store(root / "b2") as two:
        Desk(one).set_agent("Ann <ann@example.invalid>")
        Desk(two).set_agent("Bob <bob@example.invalid>")
        ref = Desk(one).create(subject="Shared", requester="c@example.org")["doc"][
            "provisional"
        ]
        apply(two, _bundle(one, root / "first.bundle"))
        Desk(one).edit(ref, [("subject", "Ann's subject")])
        Desk(two).edit(ref, [("subject", "Bob's subject")], ["bob"])
        apply(one, _bundle(two, root / "two.bundle"))
        apply(two, _bundle(one, root / "one.bundle"))
        a, b = Desk(one).record(ref), Desk(two).record(ref)
    if a != b or not a["conflicts"] or "bob" not in a["doc"]["tags"]:
        raise AssertionError("the replicas did not converge with a conflict")
    return f"converged with {len(a['conflicts'])} conflict"


def _bundle(store: Store, path: Path) -> Path:
    create(store, path, None, [])
    return path


def _window(root: Path) -> str:
    try:
        from desktop.ui import app  # noqa: F401  (only if the GUI is built in)
    except ImportError as e:
        if "PySide6" in str(e) or "desktop.ui" in str(e):
            return "skipped: this build has no GUI"
        raise
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return str(app.self_test(root / "gui"))
