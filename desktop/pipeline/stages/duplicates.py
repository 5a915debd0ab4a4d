"""The duplicates stage: flags a new ticket that repeats a recent one.

Same requester (e-mail address, else name, ignoring case) and a similar
subject (word overlap at least the rules' `similarity`) within the rules'
`window` of the new ticket's creation: the new ticket gets the tag
`possible-duplicate` and the custom field `duplicate_of` naming the other
ticket's id. It is never dropped or merged; an agent decides. The backend
finds candidates with an index (requester, created), never by a scan, so an
import stays fast however big the store.
"""

import functools
import re
from typing import TYPE_CHECKING

from desktop.pipeline.change import PASS, Change, Verdict
from desktop.pipeline.hours import epoch
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import StageKind

if TYPE_CHECKING:
    from desktop.pipeline.backend import Backend

TAG = "possible-duplicate"
FIELD = "duplicate_of"
_WORD = re.compile(r"\w+")
#: Reply and forward prefixes say nothing about what a ticket is about.
_NOISE = frozenset({"re", "fw", "fwd", "aw", "sv", "vs"})


class DuplicatesStage:
    name = "duplicates"
    kind = StageKind.EDITS
    summary = "tags a new ticket like a recent one of the same requester"

    def process(self, change: Change, rules: RuleSet, backend: "Backend") -> Verdict:
        if not change.is_create:
            return PASS
        doc = change.doc
        requester = doc["requester"]
        email, name = requester.get("email"), requester.get("name")
        if not email and not name:
            return PASS
        policy = rules.duplicates
        created = epoch(doc["created"])
        found = backend.candidates(
            email,
            None if email else name,
            created - policy.window_seconds,
            created + policy.window_seconds,
        )
        if not found:
            return PASS
        # TODO: only subjects are compared, only against tickets this replica
        # holds, and case is ignored for ASCII letters only (the NOCASE index);
        # a repeat worded differently, or from a requester's other address, is
        # not flagged.
        words = subject_words(doc["subject"])
        scored = [
            (-score, other.created, other.ticket)
            for other in found
            if other.ticket != doc["id"]
            and (score := similarity(words, subject_words(other.subject)))
            >= policy.similarity
        ]
        if not scored:
            return PASS
        # The most similar wins; among equals, the oldest (the original).
        best = min(scored)
        other_id = best[2]
        doc["tags"][TAG] = True
        doc["custom"][FIELD] = other_id
        change.edited_by(self.name, checked=True)
        change.note(
            self.name,
            "flag_duplicate",
            f"possible duplicate of {other_id} (similarity {-best[0]:.2f})",
            other=other_id,
            similarity=round(-best[0], 3),
        )
        return PASS


@functools.lru_cache(maxsize=8192)
def subject_words(subject: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(subject.casefold()) if w not in _NOISE)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two subjects' words: 1.0 same words, 0.0 none shared."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)
