"""The pipeline commands of `offdesk`: quarantine, pipeline and rules.

    offdesk quarantine list [--all] | show ID | retry ID [--set F=V]... | drop ID
    offdesk pipeline list | enable STAGE | disable STAGE
    offdesk pipeline move STAGE --before OTHER (or --after OTHER)
    offdesk rules load FILE | show

Pipeline and rules changes are snapshots of the store's configuration; a
running GUI or another command picks them up on its next change.
"""

import argparse
import json
import sys
import textwrap
from pathlib import Path

from desktop import render
from desktop.cli_common import assignment, emit, whole_number
from desktop.desk import Desk
from desktop.pipeline import config, quarantine
from desktop.pipeline.retry import retry
from desktop.pipeline.rulesfile import load_rules
from sync.history import Version
from sync.ids import TicketId


def add_parsers(
    sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
    common: argparse.ArgumentParser,
) -> None:
    """Add quarantine, pipeline and rules to the `offdesk` parser."""
    help_ = "changes the pipeline held back: list, show, retry or drop them"
    p = sub.add_parser("quarantine", parents=[common], help=help_, description=help_)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", parents=[common], help="held changes")
    a.add_argument("--all", action="store_true", help="also retried and dropped ones")
    for name, text in (
        ("show", "one item with its complete input"),
        ("retry", "run the item through the pipeline again"),
        ("drop", "take the item out of quarantine for good (recorded)"),
    ):
        a = actions.add_parser(name, parents=[common], help=text)
        a.add_argument("id", type=whole_number(), metavar="ID")
        if name == "drop":
            a.add_argument("--reason", help="why it was dropped (kept with it)")
        if name == "retry":
            a.add_argument(
                "--set",
                action="append",
                type=assignment,
                default=[],
                dest="sets",
                metavar="FIELD=VALUE",
                help="fix the held change's data first (as edit --set)",
            )

    help_ = "the stages every change passes: list, enable, disable, move"
    p = sub.add_parser("pipeline", parents=[common], help=help_, description=help_)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[common], help="stages in order")
    for name in ("enable", "disable"):
        a = actions.add_parser(name, parents=[common], help=f"{name} a stage")
        a.add_argument("stage", metavar="STAGE")
    a = actions.add_parser("move", parents=[common], help="change a stage's place")
    a.add_argument("stage", metavar="STAGE")
    where = a.add_mutually_exclusive_group(required=True)
    where.add_argument("--before", metavar="OTHER")
    where.add_argument("--after", metavar="OTHER")

    help_ = "the team's routing, trigger, validation, SLA and duplicate rules"
    p = sub.add_parser("rules", parents=[common], help=help_, description=help_)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("load", parents=[common], help="replace the rules")
    a.add_argument("file", metavar="FILE", help="a YAML or JSON rules file")
    a.add_argument("--format", choices=("yaml", "json"), help="default: by suffix")
    actions.add_parser("show", parents=[common], help="the rules in force")


def cmd_quarantine(args: argparse.Namespace, desk: Desk) -> int:
    store = desk.store
    if args.action == "list":
        found = quarantine.items(store, everything=args.all)
        rows = [i.to_json(full=False) for i in found]
        lines = [
            f"{i.id:>4}  {i.status:<9} {i.origin:<11} {i.stage:<10} "
            f"{i.summary():<40}  {i.reason}"
            for i in found
        ]
        emit(args, rows, "\n".join(lines) or "quarantine is empty")
        return 0
    if args.action == "show":
        item = quarantine.get(store, args.id)
        emit(args, item.to_json(), quarantine.describe(item))
        return 0
    if args.action == "drop":
        item = quarantine.drop(store, args.id, desk.agent, args.reason)
        emit(args, item.to_json(full=False), f"quarantine item {item.id} dropped")
        return 0
    result = retry(desk, args.id, args.sets)
    if result.committed:
        emit(args, result.to_json(), result.text())
        return 0
    # Still held: a problem the user can fix, said in one line on stderr.
    emit(args, result.to_json(), "")
    print(f"offdesk: {result.text()}", file=sys.stderr)
    return 1


def cmd_pipeline(args: argparse.Namespace, desk: Desk) -> None:
    pipeline = desk.pipeline
    if args.action == "enable":
        changed = pipeline.enable(args.stage, desk.agent)
    elif args.action == "disable":
        changed = pipeline.disable(args.stage, desk.agent)
    elif args.action == "move":
        changed = pipeline.move(
            args.stage, before=args.before, after=args.after, author=desk.agent
        )
    else:
        changed = None
    stages = pipeline.stages()
    lines = [
        f"{s.position:>2}  {s.name:<11} {s.kind:<8} {'on' if s.enabled else 'off':<4}"
        f"{s.summary}"
        for s in stages
    ]
    if changed is False:
        print("offdesk: the pipeline already was like that", file=sys.stderr)
    _warn_conflicts(desk, config.PIPELINE, "enable, disable or move a stage")
    emit(args, [s.to_json() for s in stages], "\n".join(lines))


def _shown(version: Version) -> str:
    """A version's value in a line; a removal has no value to show."""
    value = version.to_json()["value"]
    if value is None and version.value is not None:
        return "(removed)"
    return textwrap.shorten(render.json_text(value), 60, placeholder="…")


def _warn_conflicts(desk: Desk, ticket: TicketId, settle: str) -> None:
    """Say on stderr which settings two laptops changed at once, and how to
    settle them: the kept version is in force, the other one is not lost."""
    for conflict in config.conflicts(desk.store, ticket):
        kept = conflict.kept
        others = "; ".join(
            f"{o.author or 'unknown'} at {o.wall_time or '?'}: {_shown(o)}"
            for o in conflict.others
        )
        print(
            f"offdesk: {ticket} {conflict.field} was changed on two laptops at "
            f"once; in force: {kept.author or 'unknown'}'s of {kept.wall_time or '?'}"
            f"; also written: {others}. To settle it, {settle}",
            file=sys.stderr,
        )


def cmd_rules(args: argparse.Namespace, desk: Desk) -> None:
    store = desk.store
    if args.action == "show":
        doc = config.read_doc(store, config.RULES)
        _warn_conflicts(desk, config.RULES, "load the rules you want in force")
        emit(args, doc, json.dumps(doc, ensure_ascii=False, indent=2) or "{}")
        return
    path = Path(args.file)
    doc = load_rules(path, args.format)
    agent = desk.agent
    with store.write():
        changed = config.write_doc(store, config.RULES, doc, agent)
    counts = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    # Sections that are settings, not lists of rules, are in force too.
    settings = [k for k in ("sla", "duplicates") if k in doc]
    parts = [f"{n} {k}" for k, n in counts.items()] + [
        f"{k} settings" for k in settings
    ]
    summary = ", ".join(parts)
    if not summary:
        summary = "it holds no rules: none are in force now"
    text = f"loaded {path} ({summary})" if changed else f"{path}: no change"
    emit(args, {"file": str(path), "changed": changed, **counts}, text)
