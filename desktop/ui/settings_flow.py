"""Opening the settings dialog and putting each value where it belongs.

Identity goes through the service (it is a store write), preferences into
QSettings, and the server and pipeline settings through `bridges` on the
worker thread.
"""

import logging
from typing import TYPE_CHECKING

from desktop.ui import bridges
from desktop.ui.dialogs.settings import SettingsDialog, SettingsValues
from desktop.ui.executor import Job

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def current_values(window: "MainWindow") -> SettingsValues:
    url, _ = bridges.remote(window.store)
    return SettingsValues(
        agent=window.agent,
        server_url=url,
        sync_minutes=int(window.settings.value("sync/minutes", 5)),
        language=str(window.settings.value("ui/language", "")),
        stages=bridges.stages(window.store),
    )


def edit_settings(window: "MainWindow") -> SettingsDialog:
    before = current_values(window)
    dialog = SettingsDialog(
        before,
        sync_available=window.sync_available,
        pipeline_available=window.pipeline is not None,
        parent=window,
    )
    if dialog.exec():
        apply(window, before, dialog.values())
    return dialog


def apply(window: "MainWindow", before: SettingsValues, after: SettingsValues) -> None:
    if after.agent and after.agent != before.agent:
        window.service.set_agent(after.agent)
    window.settings.setValue("sync/minutes", after.sync_minutes)
    window.settings.setValue("ui/language", after.language)
    window.settings.sync()
    window.set_sync_interval(after.sync_minutes)
    if window.sync_available and (after.server_url != before.server_url or after.token):
        url, token = after.server_url, after.token or None

        def save_remote(job: Job) -> None:
            bridges.set_remote(job.store, url, token)

        window.service.run(save_remote, lambda _: window.remote_changed(url))
    if after.stages and after.stages != before.stages:
        stages = after.stages

        def save_stages(job: Job) -> None:
            bridges.set_stages(job.store, stages, job.desk.agent)

        window.service.run(save_stages)
