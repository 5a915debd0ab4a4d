"""Frozen-app benchmark: build times, sizes, and start-up to the window shown.

Run on purpose, not by pytest (each build takes minutes):

    .venv/bin/python tests/bench/bench_frozen.py [--runs N] [--xvfb] [--no-build]

Builds the one-file binary, then the one-folder app (left in build/dist/, as
CI expects), and starts each on a data dir holding the sample tickets.
Start-up is timed from spawning the process to the window's first paint, which
the app reports through OFFDESK_STARTUP_MARKER (see desktop/ui/app.py). A cold
start follows dropping the page cache (root only; otherwise the first run is
reported and marked as such); warm starts follow it. Prints a table and writes
tests/bench/results/frozen_offscreen.json (frozen_xvfb.json with --xvfb).
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "build" / "dist"
RESULTS = Path(__file__).resolve().parent / "results"
SAMPLES = ROOT / "resources" / "samples" / "osm_notes.csv"
SAMPLE_MAPS = (
    "opening_comment=description",
    "opened_by_username=requester.name",
    "opened_at=created",
)
TARGETS = {
    "onefolder_mb": 160,
    "onefile_mb": 65,
    "onefolder_cold_s": 1.0,
}


def build(onefile: bool) -> dict[str, Any]:
    command = [sys.executable, str(ROOT / "build" / "build.py")]
    subprocess.run(command + (["--onefile"] if onefile else []), check=True)
    return json.loads((DIST / "build.json").read_text())


def drop_page_cache() -> bool:
    """Whether the kernel's page cache could be emptied (needs root)."""
    subprocess.run(["sync"], check=True)
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def prepare(binary: Path, home: Path, env: dict[str, str]) -> Path:
    """A data dir with an agent and the sample tickets, made by the binary itself."""
    data = home / "data"
    where = ["--data-dir", str(data)]
    maps = [arg for m in SAMPLE_MAPS for arg in ("--map", m)]
    for command in (
        ["init", "--agent", "Bench <bench@example.invalid>"],
        ["import", str(SAMPLES), "--format", "csv", "--skip-bad", *maps],
    ):
        subprocess.run(
            [str(binary), *command, *where],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return data


def start_to_window(
    binary: Path, data: Path, env: dict[str, str]
) -> tuple[float, float]:
    """Seconds from spawning the app to its window's first paint, and its CPU time.

    The CPU time (user and system, to the process's exit) varies less than the
    wall time on a machine shared with other work.
    """
    marker = data.parent / "first-paint"
    marker.unlink(missing_ok=True)
    env = {**env, "OFFDESK_STARTUP_MARKER": str(marker)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    spawned = time.time()
    subprocess.run(
        [str(binary), "--data-dir", str(data)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return float(marker.read_text()) - spawned, cpu


def measure(binary: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="offdesk-bench-") as tmp:
        home = Path(tmp)
        env = {**env, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
        data = prepare(binary, home, env)
        dropped = drop_page_cache()
        cold, cold_cpu = start_to_window(binary, data, env)
        warm = [start_to_window(binary, data, env) for _ in range(runs)]
    return {
        "cold_s": round(cold, 3),
        "cold_cpu_s": round(cold_cpu, 3),
        "cold_is_first_run_only": not dropped,
        "warm_s": round(statistics.median(w for w, _ in warm), 3),
        "warm_cpu_s": round(statistics.median(c for _, c in warm), 3),
        "warm_runs_s": [round(w, 3) for w, _ in warm],
        "load_average": round(os.getloadavg()[0], 2),
    }


def display_env(xvfb: bool) -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    """The environment to start the app in: offscreen, or a real X server."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["OFFDESK_LANG"] = "en"
    if not xvfb:
        return {**env, "QT_QPA_PLATFORM": "offscreen"}, None
    if shutil.which("Xvfb") is None:
        sys.exit("--xvfb needs Xvfb (Debian package xvfb): apt-get install xvfb")
    display = ":97"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)  # the server accepts connections once its socket exists
    return {**env, "DISPLAY": display}, server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm starts per build")
    parser.add_argument(
        "--xvfb", action="store_true", help="show on Xvfb, not offscreen"
    )
    parser.add_argument(
        "--no-build", action="store_true", help="measure what build/dist/ holds"
    )
    args = parser.parse_args()
    env, server = display_env(args.xvfb)
    results: dict[str, Any] = {
        "machine": f"{platform.platform()}, {os.cpu_count()} cores",
        "display": "xvfb" if args.xvfb else "offscreen",
        "targets": TARGETS,
    }
    try:
        with tempfile.TemporaryDirectory(prefix="offdesk-onefile-") as keep:
            kinds: list[tuple[str, Path, dict[str, Any]]] = []
            if args.no_build:
                figures = json.loads((DIST / "build.json").read_text())
                kinds.append((figures["kind"], DIST / "offdesk", figures))
            else:
                figures = build(onefile=True)
                onefile = Path(keep) / "offdesk"
                shutil.move(DIST / "offdesk", onefile)
                kinds.append(("onefile", onefile, figures))
                figures = build(onefile=False)
                kinds.append(("onefolder", DIST / "offdesk", figures))
            for kind, path, figures in kinds:
                binary = path / "offdesk" if path.is_dir() else path
                results[kind] = {
                    "size_mb": figures["size_mb"],
                    "build_s": figures["build_seconds"],
                    **measure(binary, args.runs, env),
                }
    finally:
        if server is not None:
            server.terminate()
            server.wait()

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"frozen_{results['display']}.json").write_text(
        json.dumps(results, indent=2) + "\n"
    )
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    print(f"\nFrozen app ({results['machine']}, {results['display']})")
    print(
        f"{'build':<10} {'size MB':>8} {'build s':>8} {'cold s':>8} "
        f"{'warm s':>8} {'cold cpu':>9} {'warm cpu':>9} {'load':>5}"
    )
    first_run_only = False
    for kind in ("onefolder", "onefile"):
        if kind not in results:
            continue
        r = results[kind]
        first_run_only |= r["cold_is_first_run_only"]
        cold = f"{r['cold_s']:.2f}" + ("*" if r["cold_is_first_run_only"] else "")
        print(
            f"{kind:<10} {r['size_mb']:>8.1f} {r['build_s']:>8.1f} {cold:>8} "
            f"{r['warm_s']:>8.2f} {r['cold_cpu_s']:>9.2f} {r['warm_cpu_s']:>9.2f} "
            f"{r['load_average']:>5.1f}"
        )
    print("targets: " + ", ".join(f"{k} <= {v}" for k, v in TARGETS.items()))
    print("cpu: user + system seconds to exit; load: 1-minute load average after")
    if first_run_only:
        print("* the page cache could not be dropped: first run, not a cold start")


if __name__ == "__main__":
    sys.exit(main())
