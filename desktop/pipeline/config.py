"""Pipeline configuration and rules as data with their own snapshot history.

Both live in the store as content-addressed snapshots under reserved ids that
are not tickets (`config:pipeline`, `config:rules`): the same DAG, merge and
sync machinery that carries tickets carries them, so an admin defines the
team's rules once and every laptop folds the same configuration. They never
enter the tickets table, lists or search.

Readers get a `ConfigState` cached per store and keyed by the newest config
snapshot's id, so a change made by another process (or another replica's
snapshot received by sync) takes effect on the next change, without restart.
"""

import logging
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.errors import UserError
from desktop.pipeline.rules import RuleSet, default_rules
from sync.canonical import content_id
from sync.document import CONTAINERS, normalize
from sync.history import Conflict, TicketState
from sync.ids import TicketId
from sync.patch import Op, apply_patch, diff, encode_pointer
from sync.snapshot import authored, genesis

if TYPE_CHECKING:
    from desktop.store.store import Store

log = logging.getLogger(__name__)

PREFIX = "config:"
PIPELINE = TicketId("config:pipeline")
RULES = TicketId("config:rules")
#: Built-in stages in their default order.
DEFAULT_ORDER = ("normalize", "validate", "duplicates", "routing", "sla", "triggers")


def is_reserved(ticket: str) -> bool:
    """Ids under `config:` hold configuration, never a ticket."""
    return ticket.startswith(PREFIX)


@dataclass(frozen=True)
class PipelineConfig:
    """Stage order and which stages are off; unknown names are kept, not lost."""

    order: tuple[str, ...] = DEFAULT_ORDER
    disabled: frozenset[str] = frozenset()

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "PipelineConfig":
        order = doc.get("order")
        enabled = doc.get("enabled") or {}
        if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
            order = list(DEFAULT_ORDER)
        off = frozenset(n for n, on in enabled.items() if on is False)
        return cls(tuple(order), off)

    def to_doc(self, known: Iterable[str]) -> dict[str, Any]:
        names = self.arrange(known)
        return {
            "order": names,
            "enabled": {n: n not in self.disabled for n in names},
        }

    def arrange(self, known: Iterable[str]) -> list[str]:
        """The configured order, then known stages it does not name yet."""
        known = list(known)
        ordered = [n for n in self.order if n in known]
        return ordered + [n for n in known if n not in ordered]


@dataclass(frozen=True)
class ConfigState:
    """One version of the configuration, as every reader compiles it."""

    version: str
    pipeline: PipelineConfig
    rules: RuleSet
    sla_fingerprint: str


_DEFAULT: ConfigState | None = None
#: Per store: the state and the write transaction it was last checked in.
_CACHE: "weakref.WeakKeyDictionary[Store, tuple[ConfigState, int]]" = (
    weakref.WeakKeyDictionary()
)


def default_state() -> ConfigState:
    global _DEFAULT
    if _DEFAULT is None:
        config = PipelineConfig()
        _DEFAULT = ConfigState("", config, default_rules(), _fingerprint(config, {}))
    return _DEFAULT


def current(store: "Store") -> ConfigState:
    """The configuration the store holds now, compiled once per version.

    Inside a write transaction nobody else can change it, and this process's
    own changes call `forget`; so one look per transaction is enough.
    """
    cached = _CACHE.get(store)
    tx = store.transactions if store.db.in_transaction else -1
    if cached is not None and tx >= 0 and cached[1] == tx:
        return cached[0]
    version = config_version(store)
    if cached is not None and cached[0].version == version:
        state = cached[0]
    else:
        state = _load(store, version) if version else default_state()
    _CACHE[store] = (state, tx)
    return state


def forget(store: "Store") -> None:
    """Drop the cached configuration; the next reader looks again."""
    _CACHE.pop(store, None)


def config_version(store: "Store") -> str:
    """The id of the newest config snapshot: changes whenever any config does."""
    row = store.db.execute(
        "SELECT id FROM snapshots WHERE seq = (SELECT max(seq) FROM snapshots "
        "WHERE ticket >= ? AND ticket < ?)",
        (PREFIX, PREFIX[:-1] + chr(ord(PREFIX[-1]) + 1)),
    ).fetchone()
    return str(row[0]) if row else ""


def _load(store: "Store", version: str) -> ConfigState:
    pipeline_doc = read_doc(store, PIPELINE)
    rules_doc = read_doc(store, RULES)
    config = PipelineConfig.from_doc(pipeline_doc)
    try:
        rules = RuleSet.compile(rules_doc)
    except ValueError as e:
        # A rules document from a newer Offdesk, or damaged: keep working with
        # the defaults rather than stop every change.
        # TODO: show the admin that the stored rules were not understood (today
        # only the log says so); agents would see default routing and SLA.
        log.error("stored rules cannot be used (%s); using the defaults", e)
        rules = default_rules()
    return ConfigState(
        version, config, rules, _fingerprint(config, rules.doc.get("sla", {}))
    )


def conflicts(store: "Store", ticket: TicketId) -> list[Conflict]:
    """Sections of a config history written on two laptops at once."""
    history = store.history(ticket)
    return history.state().conflicts if len(history) else []


def _settling(found: list[Conflict], new: dict[str, Any]) -> list[Op]:
    """A write of each conflicted section whole, as `new` has it, made even
    when nothing in it changed: the new version then descends from every side
    of every conflict in the section. Sections are the fixed top-level names;
    a conflict deeper down (a group named "it.eu", an SLA time zone a removed
    section no longer holds) is settled by the section that contains it."""
    ops: list[Op] = []
    for section in dict.fromkeys(c.field.split(".")[0] for c in found):
        pointer = encode_pointer((section,))
        if section in new:
            ops.append({"op": "add", "path": pointer, "value": new[section]})
        else:
            ops += [
                {"op": "add", "path": pointer, "value": None},
                {"op": "remove", "path": pointer},
            ]
    return ops


def _fingerprint(config: PipelineConfig, sla: dict[str, Any]) -> str:
    """What SLA due times depend on, to know when records must be re-derived."""
    return content_id({"on": "sla" not in config.disabled, "sla": sla})


def read_doc(store: "Store", ticket: TicketId) -> dict[str, Any]:
    """The folded config document, without the ticket containers the fold adds."""
    history = store.history(ticket)
    if not len(history):
        return {}
    doc = history.state().doc
    return {k: v for k, v in doc.items() if k not in CONTAINERS or v}


def write_doc(
    store: "Store", ticket: TicketId, doc: dict[str, Any], author: str
) -> bool:
    """Record `doc` as the new version of a config history; call inside write().

    Two admins who changed the same section on two laptops leave a conflict
    (`conflicts` shows it); writing a section again, changed or not, settles
    it, as `offdesk resolve` does for a ticket field: the write descends from
    both versions. Returns False when nothing changed (no snapshot is made).
    """
    if not is_reserved(ticket):
        raise ValueError(f"{ticket} is not a config id")
    history = store.history(ticket)
    if not len(history):
        store.add_snapshots([genesis(ticket)])
        history = store.history(ticket)
    new = normalize(doc)
    state = history.state()
    ops = _settling(state.conflicts, new)
    settled = [op["path"] for op in ops]
    ops += [
        op
        for op in diff(state.doc, new)
        if not any(op["path"] == p or op["path"].startswith(p + "/") for p in settled)
    ]
    if not ops and len(state.heads) == 1:
        return False
    parents = [history.by_id[h] for h in state.heads]
    clock = store.clock.tick(above=max(p.clock for p in parents))
    heads = list(state.heads)
    base = state.doc
    snap = authored(ticket, heads, ops, author, store.device_id, clock, store.now_iso())
    merged = history.extended(snap)
    if normalize(apply_patch(base, ops)) != merged.state().doc:
        raise UserError(f"the new {ticket} does not rebuild itself; nothing stored")
    store.add_snapshots([snap])
    store.refresh(ticket, TicketState(merged.state().doc, [snap.id]))
    log.info("%s changed by %s", ticket, author)
    return True
