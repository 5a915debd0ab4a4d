"""Choosing and loading the translation: system locale, or an override.

`OFFDESK_LANG` (or the Language setting) picks a language for tests and
screenshots; otherwise the system locale decides. English loads a file of
plurals only ("1 ticket", "2 tickets" for the code's "%n ticket(s)").
"""

import logging
import os

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from desktop.ui import resources

log = logging.getLogger(__name__)

ENV = "OFFDESK_LANG"
SHIPPED = ("zh_CN",)


def choose(setting: str = "") -> str:
    """The language code to use: "en" or a shipped translation's code."""
    wanted = os.environ.get(ENV) or setting or QLocale.system().name()
    if wanted.startswith("zh"):
        return "zh_CN"
    return wanted if wanted in SHIPPED else "en"


def install(app: QApplication, language: str) -> list[QTranslator]:
    """Load Offdesk's and Qt's own translations; keep the returned objects alive."""
    loaded = []
    if language == "en":
        plurals = QTranslator(app)
        if plurals.load("offdesk_en", str(resources.translations())):
            app.installTranslator(plurals)
            loaded.append(plurals)
        return loaded
    ours = QTranslator(app)
    if ours.load(f"offdesk_{language}", str(resources.translations())):
        app.installTranslator(ours)
        loaded.append(ours)
    else:
        log.warning(
            "no translation file for %s in %s", language, resources.translations()
        )
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        loaded.append(qt)
    QLocale.setDefault(QLocale(language))
    return loaded
