"""The normalize stage: trims text, drops control characters, composes
accents (NFC), lower-cases e-mail addresses, dedupes tags.

Composing matters because macOS and some keyboards write "é" as "e" plus a
combining accent: the two spellings look alike but would be two tags, two
duplicate-detection subjects and two requesters.

Only what this change proposes is touched: a value equal to the one the
ticket already had is left as it is, so a replica's old spelling is never
rewritten by an unrelated edit (which would author a change nobody asked for
and could conflict with that replica).

Tidying never makes a valid ticket invalid, with one exception it reports: a
requester whose name was only spaces and who has no address is left with
nothing. So the stage marks its edits as checked unless that happened, and a
document validated before it need not be validated again.
"""

import unicodedata
from typing import TYPE_CHECKING, Any

from desktop.pipeline.change import PASS, Change, Verdict
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import StageKind
from desktop.ticket import tag_key

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend

#: Single-line fields: outer whitespace trimmed, inner runs collapsed.
LINES = ("subject", "assignee", "group")
#: Control characters other than tab and newline: pasted or imported text
#: carries them (form feeds, NULs, terminal escapes) and no agent means them.
_CONTROLS = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)])
del _CONTROLS[0x09], _CONTROLS[0x0A]


class NormalizeStage:
    name = "normalize"
    kind = StageKind.EDITS
    summary = (
        "trims text, drops control characters, composes accents, lower-cases "
        "e-mail addresses, dedupes tags ignoring case"
    )

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        doc = change.doc
        before = change.before or {}
        edited = False
        for key in LINES:
            value = doc.get(key)
            if isinstance(value, str) and value != before.get(key):
                tidy = _line(value)
                if tidy is not value:
                    doc[key] = tidy
                    edited = True
        edited = _strip(doc, "description", before) or edited
        edited = _requester(doc, before.get("requester") or {}) or edited
        if doc["custom"]:
            edited = _custom(doc["custom"], before.get("custom") or {}) or edited
        if doc["comments"]:
            edited = _comments(doc["comments"], before.get("comments") or {}) or edited
        if doc["tags"]:
            edited = _tags(doc["tags"], before.get("tags") or {}) or edited
        if edited:
            person = doc["requester"]
            emptied = not person.get("name") and not person.get("email")
            change.edited_by(self.name, checked=not emptied)
        return PASS


def _strip(doc: dict[str, Any], key: str, before: dict[str, Any]) -> bool:
    value = doc.get(key)
    if isinstance(value, str) and value != before.get(key):
        tidy = _text(value)
        if tidy != value:
            doc[key] = tidy
            return True
    return False


def _requester(doc: dict[str, Any], before: dict[str, Any]) -> bool:
    person = doc["requester"]
    edited = False
    name = person.get("name")
    if isinstance(name, str) and name != before.get("name"):
        tidy = _line(name)
        if tidy is not name:
            person["name"] = tidy or None
            edited = True
    email = person.get("email")
    if isinstance(email, str) and email != before.get("email"):
        tidy = unicodedata.normalize("NFC", email).strip().lower()
        if tidy != email:
            person["email"] = tidy or None
            edited = True
    return edited


def _line(text: str) -> str:
    """`text` with outer whitespace trimmed, inner runs made one space and
    control characters dropped; the very same object when there was nothing
    to do (the common case)."""
    if (
        text.isprintable()
        and "  " not in text
        and text.strip() == text
        and unicodedata.is_normalized("NFC", text)
    ):
        return text
    tidy = " ".join(unicodedata.normalize("NFC", text).translate(_CONTROLS).split())
    return text if tidy == text else tidy


def _text(text: str) -> str:
    """Multi-line text trimmed, its line breaks made `\n`, controls dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).translate(_CONTROLS).strip()


def _custom(custom: dict[str, Any], before: dict[str, Any]) -> bool:
    edited = False
    for key, value in custom.items():
        if isinstance(value, str) and value != before.get(key):
            tidy = _text(value)
            if tidy != value:
                custom[key] = tidy
                edited = True
    return edited


def _comments(comments: dict[str, Any], before: dict[str, Any]) -> bool:
    edited = False
    for cid, comment in comments.items():
        if cid in before:
            continue
        body = comment.get("body")
        if isinstance(body, str) and (tidy := _text(body)) != body:
            comment["body"] = tidy
            edited = True
    return edited


def _tags(tags: dict[str, Any], before: dict[str, Any]) -> bool:
    """Compose the accents of new tags, then keep one tag per `tag_key`: the
    ticket's own spelling, else the first proposed. Groups made only of tags
    the ticket already had are left alone (two replicas may have added both
    spellings; not this change's doing).
    """
    nfc = unicodedata.normalize
    composed = {t if t in before else nfc("NFC", t): v for t, v in tags.items()}
    edited = list(composed) != list(tags)
    if edited:  # in the same order: the first spelling proposed is kept below
        tags.clear()
        tags.update(composed)
    if len(tags) < 2:
        return edited
    seen: dict[str, list[str]] = {}
    for tag in tags:
        seen.setdefault(tag_key(tag), []).append(tag)
    for spellings in seen.values():
        if len(spellings) < 2 or all(t in before for t in spellings):
            continue
        keep = next((t for t in spellings if t in before), spellings[0])
        for tag in spellings:
            if tag != keep:
                del tags[tag]
                edited = True
    return edited
