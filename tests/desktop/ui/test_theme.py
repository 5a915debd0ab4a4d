"""The window follows the colour scheme, and disabled controls look disabled."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from desktop.ui import theme


def test_the_override_picks_the_scheme(monkeypatch):
    monkeypatch.setenv(theme.ENV, "dark")
    assert theme.wanted_scheme() == Qt.ColorScheme.Dark
    monkeypatch.setenv(theme.ENV, "light")
    assert theme.wanted_scheme("dark") == Qt.ColorScheme.Light


def test_dark_and_light_palettes_differ_and_grey_out_disabled_text(qapp):
    for palette in (theme.light_palette(), theme.dark_palette()):
        role = QPalette.ColorRole.ButtonText
        active = palette.color(QPalette.ColorGroup.Active, role)
        disabled = palette.color(QPalette.ColorGroup.Disabled, role)
        assert active != disabled
    light = theme.light_palette().color(QPalette.ColorRole.Base).lightness()
    dark = theme.dark_palette().color(QPalette.ColorRole.Base).lightness()
    assert light > 200 > 60 > dark
