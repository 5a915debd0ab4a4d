<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
<context>
    <name>BulkEditDialog</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/bulk_edit.py" line="25" />
        <source>Edit %n ticket(s)</source>
        <translation>
            <numerusform>Edit %n ticket</numerusform><numerusform>Edit %n tickets</numerusform></translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/models/history.py" line="104" />
        <source>merged %n branch(es)</source>
        <translation>
            <numerusform>merged %n branch</numerusform><numerusform>merged %n branches</numerusform></translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="130" />
        <source>Imported %n ticket(s).</source>
        <translation>
            <numerusform>Imported %n ticket.</numerusform><numerusform>Imported %n tickets.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="132" />
        <source>%n row(s) skipped:</source>
        <translation>
            <numerusform>%n row skipped:</numerusform><numerusform>%n rows skipped:</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="137" />
        <source>…and %n more.</source>
        <translation>
            <numerusform>…and %n more.</numerusform><numerusform>…and %n more.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/dialogs/import_dialog.py" line="140" />
        <source>%n row(s) held in Quarantine by the pipeline.</source>
        <translation>
            <numerusform>%n row held in Quarantine by the pipeline.</numerusform><numerusform>%n rows held in Quarantine by the pipeline.</numerusform></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/main_window.py" line="317" />
        <source>Conflicts (%n)</source>
        <translation>
            <numerusform>Conflicts (%n)</numerusform><numerusform>Conflicts (%n)</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/main_window.py" line="367" />
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n ticket</numerusform><numerusform>%n tickets</numerusform></translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/models/queues.py" line="168" />
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n ticket</numerusform><numerusform>%n tickets</numerusform></translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/sync_indicator.py" line="44" />
        <source>Synced %n minute(s) ago</source>
        <translation>
            <numerusform>Synced %n minute ago</numerusform><numerusform>Synced %n minutes ago</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/sync_indicator.py" line="46" />
        <source>%n local change(s) waiting</source>
        <translation>
            <numerusform>%n local change waiting</numerusform><numerusform>%n local changes waiting</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/sync_indicator.py" line="49" />
        <source>⚠ clock off by %n second(s)</source>
        <translation>
            <numerusform>⚠ clock off by %n second</numerusform><numerusform>⚠ clock off by %n seconds</numerusform></translation>
    </message>
</context>
<context>
    <name>TicketListModel</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/models/ticket_list.py" line="306" />
        <source>%n conflicting field(s)</source>
        <translation>
            <numerusform>%n conflicting field</numerusform><numerusform>%n conflicting fields</numerusform></translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message numerus="yes">
        <location filename="../../desktop/ui/views/ticket_panel.py" line="359" />
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n conflict</numerusform><numerusform>%n conflicts</numerusform></translation>
    </message>
</context>
</TS>