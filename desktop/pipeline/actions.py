"""What a rule does to a ticket: set fields, add or remove tags, add a note.

Values were checked when the rules were loaded, so applying them cannot make
a field invalid on its own; the pipeline still validates the result, because
two rules together (or a plug-in stage) might.
"""

from typing import Any

from desktop.pipeline import fields
from desktop.pipeline.rules import Actions
from desktop.ticket import add_comment, tag_key


def apply(
    doc: dict[str, Any], actions: Actions, *, author: str, wall_time: str
) -> list[str]:
    """Apply `actions` to `doc`; returns what changed, in words (empty: nothing)."""
    done = []
    for name, value in actions.set.items():
        if fields.set_value(doc, name, value):
            done.append(f"{name}={value}")
    tags = doc["tags"]
    for tag in actions.add_tags:
        if not any(tag_key(t) == tag_key(tag) for t in tags):
            tags[tag] = True
            done.append(f"+tag {tag}")
    for tag in actions.remove_tags:
        for present in [t for t in tags if tag_key(t) == tag_key(tag)]:
            del tags[present]
            done.append(f"-tag {present}")
    if actions.note:
        add_comment(doc, author, actions.note, public=False, created=wall_time)
        done.append("internal note")
    return done
