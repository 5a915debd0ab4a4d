"""The Simplified Chinese translation covers every string and is compiled."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from desktop.ui import i18n, resources
from tests.conftest import REPO

TS = resources.translations() / "offdesk_zh_CN.ts"


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path: Path):
    copy = tmp_path / "check.ts"
    shutil.copy(TS, copy)
    sources = sorted(
        str(p.relative_to(REPO)) for p in (REPO / "desktop/ui").rglob("*.py")
    )
    subprocess.run(
        [_tool("pyside6-lupdate"), *sources, "-ts", str(copy), "-no-obsolete"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    unfinished = [
        m.findtext("source")
        for m in ET.parse(copy).getroot().iter("message")
        if m.find("translation").get("type") in ("unfinished", "vanished")
    ]
    assert unfinished == [], "run build/translations.py and translate these"


def test_the_compiled_translation_matches_its_source(tmp_path: Path):
    compiled = tmp_path / "check.qm"
    subprocess.run(
        [_tool("pyside6-lrelease"), str(TS), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    shipped = TS.with_suffix(".qm")
    assert shipped.read_bytes() == compiled.read_bytes(), "run build/translations.py"


def test_the_chinese_translation_loads(qapp):
    translator = QTranslator()
    assert translator.load("offdesk_zh_CN", str(resources.translations()))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("QueueModel", "My open") == "我的待办"
        assert QCoreApplication.translate("Labels", "pending") == "等待回复"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_language_comes_from_the_override_then_the_locale(monkeypatch):
    monkeypatch.setenv(i18n.ENV, "zh_TW")
    assert i18n.choose() == "zh_CN"
    monkeypatch.setenv(i18n.ENV, "de_DE")
    assert i18n.choose() == "en"
    monkeypatch.delenv(i18n.ENV)
    assert i18n.choose("zh_CN") == "zh_CN"


def test_history_summaries_and_diff_lines_read_in_chinese(qapp, desk):
    from desktop.ui.diff_text import diff_lines
    from desktop.ui.models.history import SUMMARY, HistoryModel
    from sync.patch import diff

    ref = desk.create(subject="Printer", requester="Bob <bob@example.com>")["doc"]
    desk.edit(ref["provisional"], [("status", "open")], ["vip"])
    desk.comment(ref["provisional"], "On it", public=False)
    history = desk.history(ref["provisional"])
    model = HistoryModel()
    translator = QTranslator()
    assert translator.load("offdesk_zh_CN", str(resources.translations()))

    model.set_history(history)
    english = [model.index(row, SUMMARY).data() for row in range(3)]
    first, last = history.order[0], history.order[-1]
    changes = diff(history.state([first.id]).doc, history.state([last.id]).doc)
    assert english == ["internal note", "status=open; +tag vip", "created"]
    assert "+ tag vip" in diff_lines(changes)
    before = history.state([first.id]).doc
    assert "~ status: new → open" in diff_lines(changes, before=before)
    QCoreApplication.installTranslator(translator)
    try:
        model.set_history(history)
        chinese = [model.index(row, SUMMARY).data() for row in range(3)]
        lines = diff_lines(changes)
    finally:
        QCoreApplication.removeTranslator(translator)

    assert chinese == ["内部备注", "status=open; +标签 vip", "已创建"]
    assert "+ 标签 vip" in lines
    assert any(line.startswith("+ Ann Agent 的内部备注: On it") for line in lines)


def test_english_counts_read_as_singular_and_plural(qapp):
    """The code writes "%n ticket(s)"; English shows "1 ticket", "2 tickets"."""
    loaded = i18n.install(qapp, "en")
    try:
        assert loaded, "resources/translations/offdesk_en.qm is missing"
        tr = QCoreApplication.translate
        assert tr("TicketPanel", "%n conflict(s)", "", 1) == "1 conflict"
        assert tr("TicketPanel", "%n conflict(s)", "", 3) == "3 conflicts"
        assert tr("HistoryModel", "merged %n branch(es)", "", 2) == (
            "merged 2 branches"
        )
    finally:
        for translator in loaded:
            QCoreApplication.removeTranslator(translator)


def test_every_plural_in_the_code_has_english_forms(tmp_path: Path):
    copy = tmp_path / "en.ts"
    shutil.copy(resources.translations() / "offdesk_en.ts", copy)
    sources = sorted(
        str(p.relative_to(REPO)) for p in (REPO / "desktop/ui").rglob("*.py")
    )
    subprocess.run(
        [_tool("pyside6-lupdate"), *sources, "-ts", str(copy), "-no-obsolete"]
        + ["-pluralonly"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    missing = [
        m.findtext("source")
        for m in ET.parse(copy).iter("message")
        if m.find("translation").get("type") == "unfinished"
    ]
    assert missing == [], "run build/translations.py"
