"""GUI benchmark on a million tickets: launch, scrolling, search, background apply.

Run on purpose, not by pytest:

    .venv/bin/python tests/bench/bench_gui.py [--count N]

The store is built once from the real OSM notes (see `gui_data.py`) and
cached under tests/bench/results/. Stalls are measured the way a user feels
them: a 5 ms heartbeat timer runs on the GUI thread and the longest gap
between two of its ticks is the longest time the window could not react.
Prints a table and writes tests/bench/results/bench_gui.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OFFDESK_LANG", "en")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gui_data  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {
    "launch_s": 1.5,
    "scroll_stall_ms": 50,
    "apply_stall_ms": 50,
    "search_ms": 100,
    "rss_mb": 300,
}
TYPED = ("calle", "street", "tie", "puente roto", "status:pending kat")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Heartbeat:
    """Ticks every 5 ms on the GUI thread; the longest gap is the worst stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=5)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0
        self._last = 0

    def start(self) -> None:
        self.worst = 0.0
        self.clock.start()
        self._last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.worst

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.worst = max(self.worst, (now - self._last) / 1e6)
        self._last = now


def wait(app: QApplication, done, timeout: float = 3600.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not done():
        app.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("benchmark step did not finish")
        time.sleep(0.001)


# -- launch, in a fresh process each time ---------------------------------------------


def launch_child(data: str) -> None:
    """Child process: report when the window has been shown and painted."""
    started = float(os.environ["BENCH_SPAWNED"])
    app = QApplication(sys.argv[:1])
    from desktop.ui.app import DeskApp

    desk = DeskApp(Path(data))
    window = desk.build_window()
    window.show()

    times: dict[str, float] = {}

    def shown() -> None:
        window.grab()  # the first full paint
        times["shown_s"] = time.time() - started
        poll.start()

    def filled() -> None:
        # The first page is read on the lister thread; it arrives a moment later.
        if window.list_model.rowCount() == 0:
            return
        poll.stop()
        times["rows_s"] = time.time() - started
        print(json.dumps({**times, "rss_mb": rss_mb()}))
        desk.close()
        app.quit()

    poll = QTimer(interval=5)
    poll.timeout.connect(filled)
    QTimer.singleShot(0, shown)
    app.exec()


def launch(data: Path, runs: int = 3) -> dict[str, Any]:
    times, rows = [], []
    for _ in range(runs):
        env = {**os.environ, "BENCH_SPAWNED": repr(time.time())}
        out = subprocess.run(
            [sys.executable, __file__, "--launch-child", str(data)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        )
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(measured["shown_s"])
        rows.append(measured["rows_s"])
    return {
        "launch_s": statistics.median(times),
        "launch_runs_s": times,
        "first_rows_s": statistics.median(rows),
    }


# -- in-process measurements ----------------------------------------------------------


def scroll(app: QApplication, window, beat: Heartbeat) -> dict[str, float]:  # noqa: ANN001
    """Drag the list to the bottom again and again until every row is loaded."""
    model, view = window.list_model, window.table
    bar = view.verticalScrollBar()
    steps = 0
    started = time.perf_counter()
    beat.start()

    def step() -> None:
        nonlocal steps
        steps += 1
        bar.setValue(bar.maximum())  # reaching the end makes the view fetch more

    driver = QTimer(interval=0)
    driver.timeout.connect(step)
    driver.start()
    wait(app, lambda: not model.canFetchMore(view.rootIndex()))
    driver.stop()
    app.processEvents()
    stall = beat.stop()
    return {
        "rows": model.rowCount(),
        "scroll_s": time.perf_counter() - started,
        "scroll_steps": steps,
        "scroll_stall_ms": stall,
    }


def search(app: QApplication, window, beat: Heartbeat) -> dict[str, float]:  # noqa: ANN001
    """Type queries one character at a time; time each keystroke's list update."""
    latencies = []
    applied: list[int] = []
    window.list_model.query_applied.connect(lambda: applied.append(1))
    beat.start()
    for text in TYPED:
        for end in range(1, len(text) + 1):
            applied.clear()
            window.search.setText(text[:end])
            started = time.perf_counter()
            window.apply_search()  # what the debounce timer calls
            wait(app, lambda: applied)
            latencies.append((time.perf_counter() - started) * 1000)
    stall = beat.stop()
    applied.clear()
    window.search.clear()
    window.apply_search()
    wait(app, lambda: applied)
    latencies.sort()
    return {
        "search_ms": statistics.median(latencies),
        "search_p90_ms": latencies[int(len(latencies) * 0.9)],
        "search_max_ms": latencies[-1],
        "search_stall_ms": stall,
        "keystrokes": len(latencies),
    }


def apply_bundle(app: QApplication, desk, beat: Heartbeat, count: int) -> dict:  # noqa: ANN001
    """Apply a bundle of `count` new tickets on the worker while the window runs."""
    from desktop import bundles
    from desktop.desk import Desk
    from desktop.store.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        with Store(other) as store:
            Desk(store).set_agent("Other Agent <other@example.com>")
            docs = list(gui_data.documents(count, gui_data.notes()[:count]))
            gui_data._write(store, docs)
            bundles.create(store, Path(tmp) / "in.bundle", None, [])
        applied = []
        desk.service.bundle_applied.connect(lambda _: applied.append(1))
        started = time.perf_counter()
        beat.start()
        desk.service.apply_bundle(Path(tmp) / "in.bundle")
        wait(app, lambda: applied)
        elapsed = time.perf_counter() - started
        wait(app, lambda: not desk.lister.busy)  # the list reloads after it
        stall = beat.stop()
    return {"apply_tickets": count, "apply_s": elapsed, "apply_stall_ms": stall}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--bundle", type=int, default=5_000)
    parser.add_argument("--launch-child", metavar="DATA")
    args = parser.parse_args()
    if args.launch_child:
        launch_child(args.launch_child)
        return 0

    data = gui_data.data_dir_for(args.count)
    # Built in a child process: the million documents made in this one would
    # stay in its heap and count in the resident memory measured below.
    subprocess.run(
        [sys.executable, str(Path(gui_data.__file__)), str(args.count)], check=True
    )
    from desktop.store.store import Store

    with Store(data) as store:
        held = store.ticket_count()
    results: dict = {
        "tickets": held,
        "machine": f"{platform.platform()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
    }
    results.update(launch(data))

    app = QApplication(sys.argv[:1])
    from desktop.ui.app import DeskApp, settle_memory

    desk = DeskApp(data)
    window = desk.build_window()
    window.resize(1280, 800)
    window.show()
    window.queues.setCurrentIndex(
        window.queue_model.index(window.queue_model.row_of("all"))
    )
    wait(app, lambda: not desk.lister.busy and window.list_model.rowCount())
    settle_memory()  # what `offdesk` does once the window is shown
    beat = Heartbeat()
    results.update(search(app, window, beat))
    results.update(scroll(app, window, beat))
    results["rss_mb"] = rss_mb()
    results.update(apply_bundle(app, desk, beat, args.bundle))
    results["rss_after_apply_mb"] = rss_mb()
    desk.close()

    report(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_gui.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report(results: dict) -> None:
    rows = [
        ("launch to window shown", "launch_s", "s"),
        ("longest stall, scrolling to the end", "scroll_stall_ms", "ms"),
        ("longest stall, bundle applying", "apply_stall_ms", "ms"),
        ("search as you type, median keystroke", "search_ms", "ms"),
        ("resident memory after scrolling", "rss_mb", "MB"),
    ]
    print(f"\nGUI benchmark, {results['tickets']:,} tickets ({results['machine']})")
    print(f"{'measure':<40} {'result':>10} {'target':>10}  ok")
    for title, key, unit in rows:
        value, target = results[key], TARGETS[key]
        mark = "yes" if value <= target else "NO"
        print(f"{title:<40} {value:>8.2f}{unit:>2} {target:>8}{unit:>2}  {mark}")
    print(
        f"(rows listed {results['first_rows_s']:.2f} s after launch; "
        f"search p90 {results['search_p90_ms']:.0f} ms, max "
        f"{results['search_max_ms']:.0f} ms over {results['keystrokes']} keystrokes; "
        f"{results['rows']:,} rows scrolled in {results['scroll_s']:.0f} s; "
        f"{results['apply_tickets']:,} tickets applied in {results['apply_s']:.1f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
