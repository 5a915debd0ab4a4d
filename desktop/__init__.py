"""Offdesk, the desktop application: domain, store, pipeline, CLI and (under ui/) Qt."""

#: The one place the version is written; pyproject.toml and the installers read it.
__version__ = "0.1.0"
