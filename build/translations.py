"""Refresh the translation sources from the code and compile them.

Usage: .venv/bin/python build/translations.py
Runs pyside6-lupdate over desktop/ui (new strings appear in the .ts files,
marked unfinished), then pyside6-lrelease to write the .qm files the app
loads. Translate new strings with pyside6-linguist or by editing the .ts.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "desktop/ui").rglob("*.py"))


def main() -> int:
    for language in LANGUAGES:
        ts = TRANSLATIONS / f"offdesk_{language}.ts"
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                *sources(),
                "-ts",
                str(ts),
                "-no-obsolete",
                "-target-language",
                language,
            ],
            cwd=ROOT,
            check=True,
        )
        subprocess.run(
            [tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
            cwd=ROOT,
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
