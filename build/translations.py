"""Refresh the translation sources from the code and compile them.

Usage: .venv/bin/python build/translations.py
Runs pyside6-lupdate over desktop/ui (new strings appear in the .ts files,
marked unfinished), then pyside6-lrelease to write the .qm files the app
loads. Translate new strings with pyside6-linguist or by editing the .ts.

English needs a file too, for plurals only: the code says "%n ticket(s)" and
the English file turns it into "1 ticket" / "2 tickets". Its forms follow
from the source text, so they are written here rather than by hand.
"""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
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
        update(language)
    english = update("en", "-pluralonly")
    fill_english_plurals(english)
    release(english)
    for language in LANGUAGES:
        release(TRANSLATIONS / f"offdesk_{language}.ts")
    return 0


def update(language: str, *options: str) -> Path:
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
            *options,
        ],
        cwd=ROOT,
        check=True,
    )
    return ts


def release(ts: Path) -> None:
    subprocess.run(
        [tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
        cwd=ROOT,
        check=True,
    )


def fill_english_plurals(ts: Path) -> None:
    """Singular and plural of every "(s)" source: "ticket(s)" gives "ticket"
    and "tickets", "branch(es)" "branch" and "branches"."""
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        translation.attrib.pop("type", None)
        for form in list(translation):
            translation.remove(form)
        singular = re.sub(r"\((e?s)\)", "", source)
        for text in (singular, re.sub(r"\((e?s)\)", r"\1", source)):
            ET.SubElement(translation, "numerusform").text = text
    tree.write(ts, encoding="utf-8", xml_declaration=True)


if __name__ == "__main__":
    sys.exit(main())
