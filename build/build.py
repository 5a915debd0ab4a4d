"""Build Offdesk from a clean tree: the PyInstaller app and, on Linux, a .deb.

    python build/build.py              one-folder app in build/dist/offdesk/
    python build/build.py --onefile    one-file binary build/dist/offdesk
    python build/build.py --deb        one-folder app, then a .deb in build/dist/

Prints the build time and sizes, and writes them to build/dist/build.json.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "build" / "dist"
WORK = ROOT / "build" / "work"
sys.path.insert(0, str(ROOT))

from desktop import __version__  # noqa: E402

#: What the .deb needs from the system for Qt (the same list build/setup.sh uses);
#: app.spec leaves the libraries of these packages out of the build.
DEB_DEPENDS = (
    "libgl1, libegl1, libxkbcommon0, libfontconfig1, libdbus-1-3, libglib2.0-0, "
    "libxcb-icccm4, libxcb-keysyms1"
)


def pyinstaller(onefile: bool) -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    target = DIST / "offdesk"
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    env = {**os.environ, "OFFDESK_ONEFILE": "1" if onefile else "0"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(ROOT / "app.spec"),
        ],
        check=True,
        cwd=ROOT,
        env=env,
    )
    return target


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()
    )


def deb(app: Path) -> Path:
    """Package the one-folder app: /opt/offdesk, /usr/bin/offdesk, menu entry, icon."""
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()
    stage = WORK / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(app, stage / "opt" / "offdesk", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "offdesk").symlink_to("/opt/offdesk/offdesk")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(ROOT / "build" / "linux" / "offdesk.desktop", apps)
    for size, name in (("scalable", "offdesk.svg"), ("256x256", "offdesk.png")):
        icons = stage / "usr" / "share" / "icons" / "hicolor" / size / "apps"
        icons.mkdir(parents=True)
        shutil.copy(ROOT / "resources" / "icons" / name, icons)
    control = stage / "DEBIAN"
    control.mkdir()
    installed_kb = size_of(stage) // 1024
    (control / "control").write_text(
        f"Package: offdesk\n"
        f"Version: {__version__}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: Offdesk <offdesk@example.invalid>\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {DEB_DEPENDS}\n"
        f"Section: utils\n"
        f"Priority: optional\n"
        f"Description: offline-first helpdesk for support agents\n"
        f" Work tickets with no connection; histories merge like git branches\n"
        f" when the network returns.\n"
    )
    out = DIST / f"offdesk_{__version__}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", "-Zgzip", str(stage), str(out)],
        check=True,
        capture_output=True,
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true")
    parser.add_argument("--deb", action="store_true")
    args = parser.parse_args()
    if args.onefile and args.deb:
        parser.error("--deb packages the one-folder app; build it without --onefile")
    DIST.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    app = pyinstaller(args.onefile)
    figures: dict[str, object] = {
        "version": __version__,
        "kind": "onefile" if args.onefile else "onefolder",
        "build_seconds": round(time.perf_counter() - start, 1),
        "size_mb": round(size_of(app) / 1e6, 1),
        "path": str(app),
    }
    if args.deb:
        package = deb(app)
        figures["deb"] = str(package)
        figures["deb_mb"] = round(package.stat().st_size / 1e6, 1)
    (DIST / "build.json").write_text(json.dumps(figures, indent=2))
    for key, value in figures.items():
        print(f"{key:>14}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
