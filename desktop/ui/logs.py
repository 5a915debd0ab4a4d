"""Logging for the app: a rotating file in the data dir and a tail kept in memory.

Only the entry point calls `configure`; modules just log. The in-memory tail
feeds Help → Show log and the crash dialog, so both work even when the log
file cannot be written.
"""

import logging
import logging.handlers
from collections import deque
from pathlib import Path

log = logging.getLogger(__name__)

_TAIL: deque[str] = deque(maxlen=300)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _TailHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            _TAIL.append(self.format(record))
        except Exception:  # a log line must never take the app down
            self.handleError(record)


def configure(data_dir: Path, level: int = logging.INFO) -> None:
    root = logging.getLogger()
    root.setLevel(level)
    formatter = logging.Formatter(FORMAT)
    tail_handler = _TailHandler()
    tail_handler.setFormatter(formatter)
    root.addHandler(tail_handler)
    try:
        (data_dir / "logs").mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            data_dir / "logs" / "offdesk.log",
            maxBytes=2_000_000,
            backupCount=3,
            encoding="utf-8",
        )
    except OSError as e:
        log.warning("logging to memory only; the log file cannot be opened: %s", e)
        return
    handler.setFormatter(formatter)
    root.addHandler(handler)


def tail(lines: int = 200) -> str:
    return "\n".join(list(_TAIL)[-lines:])
