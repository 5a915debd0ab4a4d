"""Dialogs: new ticket, first run, settings, bulk edit, import, shortcuts, crash."""
