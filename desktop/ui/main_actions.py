"""The window's menus, toolbar and keyboard shortcuts, in one table.

Every shortcut is declared once here, so Help → Keyboard shortcuts lists
exactly what the window answers to.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

translate = QCoreApplication.translate


def install_actions(window: "MainWindow") -> dict[str, QAction]:
    actions: dict[str, QAction] = {}

    def add(
        name: str,
        text: str,
        slot: Callable[[], object],
        keys: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, window, objectName=name)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: slot())
        window.addAction(action)
        actions[name] = action
        return action

    style = window.style()
    new = add(
        "newTicket",
        translate("MainActions", "&New ticket…"),
        window.new_ticket,
        "Ctrl+N",
    )
    new.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon))
    add(
        "import",
        translate("MainActions", "&Import tickets…"),
        lambda: _open_import(window),
    )
    add(
        "applyBundle", translate("MainActions", "Apply a &bundle…"), window.apply_bundle
    )
    add(
        "settings",
        translate("MainActions", "&Settings…"),
        lambda: _open_settings(window),
        "Ctrl+,",
    )
    add("quit", translate("MainActions", "&Quit"), window.close, "Ctrl+Q")
    add(
        "find",
        translate("MainActions", "&Find"),
        lambda: _focus_search(window),
        "Ctrl+F",
    )
    add(
        "bulkEdit",
        translate("MainActions", "&Edit selected tickets…"),
        window.bulk_edit,
        "Ctrl+E",
    )
    add(
        "saveSearch", translate("MainActions", "Save this &search…"), window.save_search
    )
    add(
        "next",
        translate("MainActions", "Next ticket"),
        lambda: window.table.move(1),
        "J",
    )
    add(
        "previous",
        translate("MainActions", "Previous ticket"),
        lambda: window.table.move(-1),
        "K",
    )
    sync = add(
        "sync", translate("MainActions", "S&ync now"), window.sync_now, "Ctrl+Shift+S"
    )
    sync.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
    sync.setEnabled(window.sync_available)
    add(
        "shortcuts",
        translate("MainActions", "&Keyboard shortcuts"),
        lambda: _open_shortcuts(window),
    )
    add("log", translate("MainActions", "Show &log"), lambda: _open_log(window))
    add("about", translate("MainActions", "&About Offdesk"), lambda: _about(window))

    bar = window.menuBar()
    for title, names in (
        (
            translate("MainActions", "&File"),
            ("newTicket", "import", "applyBundle", "settings", "quit"),
        ),
        (translate("MainActions", "&Edit"), ("find", "bulkEdit", "saveSearch")),
        (translate("MainActions", "&Ticket"), ("next", "previous")),
        (translate("MainActions", "&Sync"), ("sync",)),
        (translate("MainActions", "&Help"), ("shortcuts", "log", "about")),
    ):
        menu = bar.addMenu(title)
        for name in names:
            if name == "quit":
                menu.addSeparator()
            menu.addAction(actions[name])

    toolbar = QToolBar(translate("MainActions", "Main"), objectName="mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    # Toolbar buttons show no mnemonic: "新建工单(N)" reads oddly on a button.
    actions["newTicket"].setIconText(translate("MainActions", "New ticket"))
    actions["sync"].setIconText(translate("MainActions", "Sync now"))
    toolbar.addAction(actions["newTicket"])
    toolbar.addAction(actions["sync"])
    window.addToolBar(toolbar)
    return actions


def shortcut_table() -> list[tuple[str, str]]:
    """(keys, what they do), as Help → Keyboard shortcuts shows them."""
    native = QKeySequence.SequenceFormat.NativeText
    rows = [
        ("Ctrl+N", translate("MainActions", "New ticket")),
        ("Ctrl+F", translate("MainActions", "Search")),
        ("J", translate("MainActions", "Next ticket")),
        ("K", translate("MainActions", "Previous ticket")),
        ("Ctrl+Enter", translate("MainActions", "Send the reply or note")),
        ("Ctrl+E", translate("MainActions", "Edit selected tickets")),
        ("Ctrl+Shift+S", translate("MainActions", "Sync now")),
        ("Ctrl+,", translate("MainActions", "Settings")),
        ("Ctrl+Q", translate("MainActions", "Quit")),
    ]
    return [(QKeySequence(keys).toString(native), text) for keys, text in rows]


def _focus_search(window: "MainWindow") -> None:
    window.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
    window.search.selectAll()


def _open_shortcuts(window: "MainWindow") -> None:
    from desktop.ui.dialogs.shortcuts import ShortcutsDialog

    ShortcutsDialog(shortcut_table(), window).exec()


def _open_import(window: "MainWindow") -> None:
    from desktop.ui.dialogs.import_dialog import ImportDialog

    dialog = ImportDialog(window.service, window)
    dialog.exec()
    dialog.deleteLater()  # and with it, its hold on the service's signals


def _open_settings(window: "MainWindow") -> None:
    from desktop.ui.settings_flow import edit_settings

    edit_settings(window)


def _open_log(window: "MainWindow") -> None:
    from desktop.ui.dialogs.log_view import LogDialog
    from desktop.ui.logs import tail

    LogDialog(tail(), window).exec()


def _about(window: "MainWindow") -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(
        window,
        translate("MainActions", "About Offdesk"),
        translate(
            "MainActions",
            "Offdesk: an offline-first helpdesk. Tickets live on this computer and "
            "merge like git when the network returns.",
        ),
    )
