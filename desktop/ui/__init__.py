"""The PySide6 desktop app; the only package in Offdesk that imports Qt.

Modules here are either Qt-free helpers the widgets use (`pager`,
`search_syntax`, `graph`, `drafts`) or Qt code split the Qt way: models,
views (widgets and delegates), dialogs, and the window that wires them.
"""
