"""What an agent does to tickets, turned into snapshots: create, edit, comment, revert.

Every change is computed as a new document from the ticket's current state,
diffed into a patch, and checked: the snapshot's folded state must equal the
patch applied to its parent, or nothing is stored. The CLI and the GUI both act
through a `Desk`.
"""

import logging
from collections.abc import Callable
from typing import Any

from desktop.errors import NotFoundError, NothingToChange, OffdeskError, UserError
from desktop.pipeline.change import Change, Origin
from desktop.pipeline.pipeline import Pipeline
from desktop.render import ticket_ref
from desktop.search_syntax import assignee_value
from desktop.store.store import Held, Store
from desktop.ticket import (
    Person,
    add_comment,
    check_size,
    check_tag,
    edited,
    new_document,
    parse_person,
    set_field,
    set_option,
    tag_key,
    validate,
)
from sync.document import extend_linear, normalize
from sync.history import History, TicketState
from sync.ids import SnapshotId, TicketId
from sync.patch import (
    MISSING,
    Op,
    apply_patch,
    decode_pointer,
    diff,
    encode_pointer,
    value_at,
)
from sync.snapshot import Snapshot, authored, merge_of

log = logging.getLogger(__name__)


class IntegrityFault(OffdeskError):
    """A computed snapshot would not rebuild its own state: a bug, nothing stored."""


class Desk:
    """An agent's actions on one store, each passed through the ticket pipeline.

    Without a `pipeline`, the built-in stages run as the store's configuration
    arranges them. A stage's verdict on an agent's own change is final at once
    (`ChangeRefused`, nothing stored) or, when the rules or a stage are at
    fault, the change is kept in quarantine (`ChangeQuarantined`).
    """

    def __init__(self, store: Store, pipeline: Pipeline | None = None) -> None:
        self.store = store
        self.pipeline = pipeline if pipeline is not None else Pipeline.for_store(store)

    # -- identity ------------------------------------------------------------

    def set_agent(self, text: str) -> Person:
        person = parse_person("agent", text)
        if not person.name:
            raise UserError('agent: give a name too, as "Name <email>"')
        self.store.set_setting("agent", str(person))
        log.info("agent set to %s", person)
        return person

    @property
    def agent(self) -> str:
        agent = self.store.setting("agent")
        if not agent:
            raise UserError(
                'no agent is set for this data dir; run: offdesk init --agent "Name '
                '<email>"'
            )
        return str(agent)

    # -- changes -------------------------------------------------------------

    def create(
        self,
        *,
        subject: str,
        requester: str,
        body: str = "",
        priority: str = "normal",
        type_: str | None = None,
        tags: list[str] | None = None,
    ) -> dict[str, Any]:
        author = self.agent
        person = parse_person("requester", requester, email_required=False)
        doc = new_document(
            subject=subject.strip(),
            requester=person,
            provisional="",
            description=body,
            priority=priority,
            type_=type_,
            tags=tags,
            created=self.store.now_iso(),
        )
        # Made just now: its creation time is the snapshot's wall time too.
        return self.admit_new(
            doc, Origin.INTERACTIVE, author=author, wall_time=doc["created"]
        )

    def admit_new(
        self,
        doc: dict[str, Any],
        origin: Origin,
        *,
        author: str | None = None,
        retrying: int | None = None,
        wall_time: str | None = None,
    ) -> dict[str, Any]:
        """Pass a complete new document through the pipeline and store it.

        It takes a provisional number unless it has one (a retried change keeps
        the number it was given). Raises ChangeRefused or ChangeQuarantined
        when the pipeline did not let it through.
        """
        author = author or self.agent
        check_size(doc)
        with self.store.write():
            if not doc["provisional"]:
                doc["provisional"] = self.store.next_provisional()
            change = Change.create(
                doc, origin, author, wall_time or self.store.now_iso(), validated=True
            )
            if retrying is not None:
                change.retrying, change.retried_by = retrying, self.agent
            admission = self.pipeline.admit(change)
            if admission.accepted:
                snap = authored(
                    TicketId(doc["id"]),
                    [],
                    [{"op": "add", "path": "", "value": doc}],
                    author,
                    self.store.device_id,
                    self.store.clock.tick(),
                    change.wall_time,
                )
                # The root's patch adds this very document, so it rebuilds it by
                # construction; the fold of a root is covered by the tests.
                state = TicketState(normalize(doc), [snap.id], [], snap.wall_time)
                self.store.add_snapshots([snap])
                record = self.store.refresh(snap.ticket, state, new=True)
                admission.announce()
        admission.raise_if_held()
        log.info("created ticket %s", doc["provisional"])
        return record

    def edit(
        self,
        ref: str,
        sets: list[tuple[str, str]] | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        *,
        add_options: list[tuple[str, str]] | None = None,
        remove_options: list[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Set fields, tags and multi-select options (field, option) in one change.

        `assignee=me` assigns the ticket to this agent, as `assignee:me` finds it.
        """
        agent = self.agent

        def change(doc: dict[str, Any]) -> None:
            _refuse_if_deleted(doc)
            for field, value in sets or ():
                if field == "assignee":
                    value = assignee_value(value, agent)
                set_field(doc, field, value)
            for tag in add_tags or ():
                doc["tags"][check_tag(tag)] = True
            for tag in remove_tags or ():
                key = tag_key(tag.strip())
                for present in [t for t in doc["tags"] if tag_key(t) == key]:
                    del doc["tags"][present]
            for field, option in add_options or ():
                set_option(doc, field, option, True)
            for field, option in remove_options or ():
                set_option(doc, field, option, False)

        return self.change(self.store.resolve(ref), change)

    def comment(self, ref: str, body: str, *, public: bool) -> dict[str, Any]:
        author = self.agent

        def change(doc: dict[str, Any]) -> None:
            _refuse_if_deleted(doc)
            add_comment(doc, author, body, public=public, created=self.store.now_iso())

        return self.change(self.store.resolve(ref), change)

    def revert(self, ref: str, snapshot_ref: str) -> dict[str, Any]:
        """Undo one snapshot's changes, except where a later change overwrote them.

        A comment the snapshot added is tombstoned rather than removed, so the
        conversation never loses a message.
        """
        ticket = self.store.resolve(ref)
        history = self.store.history(ticket)
        target = history.by_id[find_snapshot(history, snapshot_ref)]
        if target.is_root:
            raise UserError("the snapshot that created a ticket cannot be reverted")
        if target.is_merge:
            raise UserError("a merge snapshot changes nothing; nothing to undo")
        before = history.state(target.parents).doc
        after = history.state([target.id]).doc

        def change(doc: dict[str, Any]) -> None:
            for op in diff(after, before):
                path = decode_pointer(op["path"])
                if value_at(doc, path) != value_at(after, path):
                    log.info("revert keeps the later change to %s", ".".join(path))
                    continue
                if op["op"] == "remove" and len(path) == 2 and path[0] == "comments":
                    doc["comments"][path[1]]["deleted"] = True
                    continue
                if op["op"] == "remove":
                    patched = apply_patch(doc, [op])
                    doc.clear()
                    doc.update(patched)
                else:  # maps emptied out since are made again
                    _put(doc, path, op["value"])

        return self.change(ticket, change)

    def delete(self, ref: str) -> dict[str, Any]:
        """Soft delete: the ticket leaves the lists, its history stays."""
        return self._set_deleted(ref, True)

    def restore(self, ref: str) -> dict[str, Any]:
        return self._set_deleted(ref, False)

    def _set_deleted(self, ref: str, deleted: bool) -> dict[str, Any]:
        ticket = self.store.resolve(ref)
        state = self.store.history(ticket).state()
        flagged = any(c.field == "deleted" for c in state.conflicts)
        if state.doc.get("deleted") is deleted and not flagged:
            raise UserError(
                "the ticket is already deleted"
                if deleted
                else "the ticket is not deleted"
            )

        def change(doc: dict[str, Any]) -> None:
            doc["deleted"] = deleted

        forced = [{"op": "replace", "path": "/deleted", "value": deleted}]
        return self.change(ticket, change, forced=forced)

    def resolve(
        self, ref: str, field: str, *, keep: bool = False, value: str | None = None
    ) -> dict[str, Any]:
        """Record the agent's choice for a conflicted field as an ordinary snapshot.

        The new write descends from every conflicting one, so once exchanged it
        clears the conflict on every replica.
        """
        if keep == (value is not None):
            raise UserError("resolve: give exactly one of --keep or --value")
        ticket = self.store.resolve(ref)
        state = self.store.history(ticket).state()
        conflict = next((c for c in state.conflicts if c.field == field), None)
        if conflict is None:
            fields = ", ".join(c.field for c in state.conflicts) or "none"
            raise UserError(
                f"{field} has no conflict on this ticket (conflicted fields: {fields})"
            )
        path = tuple(field.split("."))
        pointer = encode_pointer(path)

        def change(doc: dict[str, Any]) -> None:
            if value is not None and field != "deleted":
                set_field(doc, field, value)

        if field == "deleted":
            chosen: Any = conflict.kept.value if keep else _truth(value or "")
            return self.change(
                ticket,
                lambda doc: doc.update(deleted=chosen),
                forced=[{"op": "replace", "path": "/deleted", "value": chosen}],
            )
        if value is not None:
            probe = edited(state.doc)
            set_field(probe, field, value)
            current = value_at(probe, path)
        else:
            current = value_at(state.doc, path)
        if current is MISSING:
            forced = [
                {"op": "add", "path": pointer, "value": None},
                {"op": "remove", "path": pointer},
            ]
        else:
            forced = [{"op": "add", "path": pointer, "value": current}]
        return self.change(ticket, change, forced=forced)

    def change(
        self,
        ticket: TicketId,
        mutate: Callable[[dict[str, Any]], object],
        *,
        forced: list[Op] | None = None,
        origin: Origin = Origin.INTERACTIVE,
        author: str | None = None,
        retrying: int | None = None,
        base: list[SnapshotId] | None = None,
    ) -> dict[str, Any]:
        """Apply `mutate` to the current document and store the difference.

        `forced` ops are written even when they do not change the value: an agent
        keeping one side of a conflict must still leave a write that sees both.
        The proposed document passes the pipeline before the diff is made.

        `base` names the heads the change was made against, when that was
        earlier (a change held in quarantine): it is then written as a branch
        from there and merged with what came since, so a later edit of the
        same field shows as a conflict instead of being silently overwritten.
        """
        agent = self.agent
        author = author or agent
        # Read inside the write transaction: another process's edit to the same
        # ticket can then never slip in between reading the heads and writing.
        with self.store.write():
            history = self.store.history(ticket)
            held = self.store.ticket_records([ticket]).get(ticket)
            current = _stored_state(held, history) or history.state()
            state = current
            moved_on = base and sorted(base) != current.heads
            if moved_on and all(h in history.by_id for h in base):
                state = history.state(base)
            doc = edited(state.doc)
            mutate(doc)
            doc = normalize(doc)
            validate(doc)
            check_size(doc, state.doc)
            ops = _merge_ops(forced or [], diff(state.doc, doc))
            if not ops:
                raise NothingToChange(
                    "nothing to change: the ticket already has those values"
                )
            change = Change.edit(
                state.doc,
                doc,
                origin,
                author,
                self.store.now_iso(),
                heads=state.heads,
                forced=forced,
                validated=True,
            )
            change.retrying, change.retried_by = retrying, agent
            admission = self.pipeline.admit(change)
            if admission.accepted:
                doc = normalize(change.doc)
                ops = _merge_ops(forced or [], diff(state.doc, doc))
                if not ops:
                    raise NothingToChange(
                        "nothing to change: the ticket already has those values"
                    )
                parents = [history.by_id[h] for h in state.heads]
                snap = authored(
                    ticket,
                    state.heads,
                    ops,
                    author,
                    self.store.device_id,
                    self.store.clock.tick(above=max(p.clock for p in parents)),
                    change.wall_time,
                )
                new_state, merged = self._checked(history, state, snap, doc)
                added = [snap]
                if state is not current:
                    merge = merge_of(ticket, [merged.by_id[h] for h in merged.heads()])
                    self.store.clock.observe(merge.clock)
                    merged = merged.extended(merge)
                    added.append(merge)
                    new_state = merged.state()
                # Against this device's clock now, as every replica's own view
                # is (a row's older warnings were judged by an older clock).
                new_state.clock_warnings = self.store.clock_warnings(merged.order)
                self.store.add_snapshots(added)
                record = self.store.refresh(
                    ticket, new_state, history=merged, previous=held
                )
                admission.announce()
        admission.raise_if_held()
        log.info("changed ticket %s (%d operations)", doc["provisional"], len(ops))
        return record

    def _checked(
        self,
        history: History,
        parent: TicketState | None,
        snap: Snapshot,
        expected: dict[str, Any],
    ) -> tuple[TicketState, History]:
        """Refuse a snapshot whose patch does not rebuild the state it was made for.

        Returns the new state and the history that includes the snapshot.
        """
        base = parent.doc if parent else {}
        patched = normalize(apply_patch(base, list(snap.patch)))
        merged = history.extended(snap)
        state = _extended_state(parent, snap) or merged.state([snap.id])
        if patched != normalize(expected) or state.doc != patched:
            raise IntegrityFault(
                f"snapshot {snap.id[:12]} does not rebuild its state; nothing stored"
            )
        return state, merged

    # -- reading -------------------------------------------------------------

    def record(self, ref: str, at: str | None = None) -> dict[str, Any]:
        ticket = self.store.resolve(ref)
        if at is None:
            return self.store.ticket_record(ticket)
        history = self.store.history(ticket)
        state = history.state([find_snapshot(history, at)])
        return self.store.record_of(ticket, state, history)

    def history(self, ref: str) -> History:
        return self.store.history(self.store.resolve(ref))

    def diff(self, ref: str, a: str, b: str) -> tuple[dict[str, Any], list[Op]]:
        """The ticket at snapshot `a`, and the ops that turn it into `b`'s."""
        history = self.history(ref)
        before = history.state([find_snapshot(history, a)]).doc
        after = history.state([find_snapshot(history, b)]).doc
        return before, diff(before, after)


def _put(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = doc
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value


def _merge_ops(forced: list[Op], ops: list[Op]) -> list[Op]:
    """Forced writes first, then the diff's ops on other paths."""
    paths = {op["path"] for op in forced}
    return [*forced, *(op for op in ops if op["path"] not in paths)]


def _truth(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1", "deleted"):
        return True
    if lowered in ("false", "no", "0", "restored"):
        return False
    raise UserError(f"deleted: {text!r} is not true or false")


def find_snapshot(history: History, ref: str) -> SnapshotId:
    text = ref.strip().lower()
    if len(text) < 4:
        raise NotFoundError(
            f"snapshot {ref!r} is too short; give at least 4 characters"
        )
    hits = [sid for sid in history.by_id if sid.startswith(text)]
    if not hits:
        raise NotFoundError(f"no snapshot of this ticket matches {ref!r}")
    if len(hits) > 1:
        raise NotFoundError(
            f"{ref!r} matches {len(hits)} snapshots; give more characters"
        )
    return hits[0]


def _refuse_if_deleted(doc: dict[str, Any]) -> None:
    """A deleted ticket is out of the lists; work on it would go unseen."""
    if doc.get("deleted") is True:
        ref = ticket_ref(doc)
        raise UserError(
            f"ticket {ref} is deleted; restore it first (offdesk restore {ref})"
        )


def _stored_state(held: Held | None, history: History) -> TicketState | None:
    """The ticket's state as its query row holds it, when that row is the fold
    of exactly these heads with nothing in conflict: folding a long history
    again for every reply would make each one slower than the last. Anything
    else (conflicts, several heads, a row behind the snapshots) returns None
    for the full fold."""
    if held is None:
        return None
    record = held.record
    if record["conflicts"] or record["heads"] != history.heads():
        return None
    return TicketState(
        record["doc"],
        list(record["heads"]),
        [],
        record.get("updated"),
        list(record.get("clock_warnings") or []),
    )


def _extended_state(parent: TicketState | None, snap: Snapshot) -> TicketState | None:
    """The state `snap` leads to when it continues a conflict-free state in a
    line, by applying its patch (`extend_linear`); None where only the full
    fold can tell."""
    if parent is None or parent.conflicts or list(snap.parents) != parent.heads:
        return None
    doc = extend_linear(parent.doc, [snap])
    if doc is None:
        return None
    times = [t for t in (parent.updated, snap.wall_time) if t]
    return TicketState(doc, [snap.id], [], max(times, default=None))
