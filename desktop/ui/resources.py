"""Where the app's resources (translations, samples) are, frozen or not.

A PyInstaller build unpacks `resources/` beside the executable's modules
(`sys._MEIPASS`); a checkout has it at the repository root.
"""

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def translations() -> Path:
    return root() / "translations"


def samples() -> Path:
    return root() / "samples" / "osm_notes.csv"
