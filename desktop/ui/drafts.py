"""Reply drafts kept per ticket in a small JSON file, so nothing typed is lost.

A draft is written a moment after typing stops and again when the window
closes; the file is replaced atomically, so a crash mid-write leaves the
previous version. Drafts live beside the store (not in it) because they are
this laptop's alone and must never be synced.
"""

import json
import logging
import os
from pathlib import Path

from desktop.errors import UserError

log = logging.getLogger(__name__)

FILE = "drafts.json"


class DraftBook:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE
        self._drafts: dict[str, dict[str, object]] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._drafts = loaded
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            log.warning("drafts file %s unreadable, starting empty: %s", self.path, e)

    def get(self, ticket: str) -> tuple[str, bool]:
        """The draft text and whether it is an internal note."""
        draft = self._drafts.get(ticket) or {}
        return str(draft.get("body", "")), bool(draft.get("internal", False))

    def put(self, ticket: str, body: str, *, internal: bool) -> None:
        if body.strip():
            self._drafts[ticket] = {"body": body, "internal": internal}
        elif self._drafts.pop(ticket, None) is None:
            return
        self.save()

    def discard(self, ticket: str) -> None:
        if self._drafts.pop(ticket, None) is not None:
            self.save()

    def save(self) -> None:
        partial = self.path.with_name(FILE + ".partial")
        try:
            partial.write_text(json.dumps(self._drafts, ensure_ascii=False), "utf-8")
            os.replace(partial, self.path)
        except OSError as e:
            log.warning("could not save drafts to %s: %s", self.path, e)
            raise UserError(
                f"your reply draft could not be saved to {self.path} "
                f"({e.strerror}); copy it somewhere safe before closing"
            ) from e
