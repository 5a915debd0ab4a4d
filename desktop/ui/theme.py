"""Light and dark palettes that follow the system's colour scheme.

Qt reports the scheme through `QStyleHints.colorScheme` and signals when it
changes; Fusion with an explicit palette looks the same on every platform,
including offscreen where no platform theme exists. An override
(`OFFDESK_COLOR_SCHEME=dark|light` or the setting) pins it for screenshots.
"""

import logging
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

ENV = "OFFDESK_COLOR_SCHEME"


def wanted_scheme(setting: str = "") -> Qt.ColorScheme:
    choice = (os.environ.get(ENV) or setting or "").lower()
    if choice == "dark":
        return Qt.ColorScheme.Dark
    if choice == "light":
        return Qt.ColorScheme.Light
    return QGuiApplication.styleHints().colorScheme()


def apply(app: QApplication, scheme: Qt.ColorScheme) -> None:
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if scheme == Qt.ColorScheme.Dark else light_palette())
    log.debug("colour scheme %s", scheme)


def follow_system(app: QApplication, setting: str = "") -> None:
    """Apply the scheme now and again whenever the system's changes."""
    apply(app, wanted_scheme(setting))
    if not (os.environ.get(ENV) or setting):
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda scheme: apply(app, scheme)
        )


def light_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#f3f4f6",
        QPalette.ColorRole.WindowText: "#1f2328",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f6f8fa",
        QPalette.ColorRole.Text: "#1f2328",
        QPalette.ColorRole.Button: "#eceef1",
        QPalette.ColorRole.ButtonText: "#1f2328",
        QPalette.ColorRole.Highlight: "#2f6fdf",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#ffffe1",
        QPalette.ColorRole.ToolTipText: "#1f2328",
        QPalette.ColorRole.PlaceholderText: "#6e7781",
        QPalette.ColorRole.Link: "#0b5cd5",
        QPalette.ColorRole.Mid: "#c9ced6",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    _disable(p, "#8c959f")
    return p


def _disable(p: QPalette, colour: str) -> None:
    """Greyed text for disabled widgets: setColor above set every group alike."""
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1e2227",
        QPalette.ColorRole.WindowText: "#e6e8eb",
        QPalette.ColorRole.Base: "#15181c",
        QPalette.ColorRole.AlternateBase: "#1b1f24",
        QPalette.ColorRole.Text: "#e6e8eb",
        QPalette.ColorRole.Button: "#2a2f36",
        QPalette.ColorRole.ButtonText: "#e6e8eb",
        QPalette.ColorRole.Highlight: "#3b82f6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2a2f36",
        QPalette.ColorRole.ToolTipText: "#e6e8eb",
        QPalette.ColorRole.PlaceholderText: "#8b949e",
        QPalette.ColorRole.Link: "#6ea8fe",
        QPalette.ColorRole.Mid: "#3a4049",
        QPalette.ColorRole.BrightText: "#ffffff",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    _disable(p, "#6b7280")
    return p
