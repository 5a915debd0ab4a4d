"""Where an agent's data lives: a per-user folder unless told otherwise."""

import os
from pathlib import Path

import platformdirs

ENV = "OFFDESK_DATA_DIR"


def resolve(explicit: str | None = None) -> Path:
    """`--data-dir` first, then $OFFDESK_DATA_DIR, then the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    return Path(platformdirs.user_data_dir("offdesk", appauthor=False))
