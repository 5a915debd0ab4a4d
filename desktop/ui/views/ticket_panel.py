"""The open ticket: fields edited in place, the conversation, and the reply editor.

The panel never writes: it emits what the agent changed (`field_edited`,
`tags_edited`, `reply_sent`) and the window hands that to the service. When
the saved record comes back, `set_record` shows it without re-emitting.
"""

import html
import logging
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.render import comment_list, ticket_json
from desktop.ticket import PRIORITIES, STATUSES, TYPES
from desktop.ui import labels
from desktop.ui.drafts import DraftBook

log = logging.getLogger(__name__)

#: Fields shown as line edits, in form order: (document field, set_field name).
TEXT_FIELDS = (
    ("assignee", "assignee"),
    ("group", "group"),
    ("due", "due"),
    ("requester_name", "requester.name"),
    ("requester_email", "requester.email"),
)


class ReplyEdit(QPlainTextEdit):
    """The reply box; Ctrl+Enter sends instead of adding a line.

    Signals:
        submitted(): Ctrl+Enter (or Ctrl+Return) was pressed.
    """

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class TicketPanel(QWidget):
    """Shows one ticket record and reports the agent's edits.

    Signals:
        field_edited(str, str): a field (as `edit --set` names it) and its new text.
        tags_edited(object, object): tags added, tags removed.
        options_edited(str, object, object): a multi-select field (`custom.<id>`),
            the options ticked and those unticked.
        reply_sent(str, bool): the body and whether it is public.
        conflicts_clicked(): the agent asked to see the conflicts.
        draft_failed(str): a draft could not be saved; the sentence says why.
    """

    field_edited = Signal(str, str)
    tags_edited = Signal(object, object)
    options_edited = Signal(str, object, object)
    reply_sent = Signal(str, bool)
    conflicts_clicked = Signal()
    draft_failed = Signal(str)

    def __init__(self, drafts: DraftBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drafts = drafts
        self.record: dict[str, Any] | None = None
        self.shown: dict[str, Any] = {}
        #: Tickets whose reply is on its way to the store: not sent twice.
        self._sending: set[str] = set()
        self._build()
        self._draft_timer = QTimer(self, singleShot=True, interval=600)
        self._draft_timer.timeout.connect(self.save_draft)
        self.set_record(None)

    # -- layout ----------------------------------------------------------------

    def _build(self) -> None:
        self.ref_label = QLabel(objectName="ticketRef")
        font = self.ref_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.ref_label.setFont(font)
        self.ref_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.badges = QLabel(objectName="badges", wordWrap=True)
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.badges.linkActivated.connect(lambda _: self.conflicts_clicked.emit())
        self.subject = QLineEdit(objectName="subject")
        self.subject.setPlaceholderText(self.tr("Subject"))
        subject_font = self.subject.font()
        subject_font.setPointSizeF(subject_font.pointSizeF() * 1.15)
        self.subject.setFont(subject_font)
        self.subject.editingFinished.connect(
            lambda: self._text_done("subject", self.subject)
        )

        self.status = self._combo(STATUSES, labels.status, "status")
        self.priority = self._combo(PRIORITIES, labels.priority, "priority")
        self.type = self._combo(("", *TYPES), labels.ticket_type, "type")
        self.edits: dict[str, QLineEdit] = {}
        for key, field in TEXT_FIELDS:
            edit = QLineEdit(objectName=key)
            edit.editingFinished.connect(lambda f=field, e=edit: self._text_done(f, e))
            self.edits[key] = edit
        self.edits["due"].setPlaceholderText(self.tr("YYYY-MM-DD HH:MM (UTC)"))
        self.tags = QLineEdit(objectName="tags")
        self.tags.setPlaceholderText(self.tr("tags, separated by spaces"))
        self.tags.editingFinished.connect(self._tags_done)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        row = QHBoxLayout()
        for label, widget in (
            (self.tr("Status"), self.status),
            (self.tr("Priority"), self.priority),
            (self.tr("Type"), self.type),
        ):
            row.addWidget(QLabel(label))
            row.addWidget(widget, 1)
        form.addRow(row)
        form.addRow(self.tr("Assignee"), self.edits["assignee"])
        form.addRow(self.tr("Group"), self.edits["group"])
        form.addRow(self.tr("Due"), self.edits["due"])
        form.addRow(self.tr("Requester"), self.edits["requester_name"])
        form.addRow(self.tr("E-mail"), self.edits["requester_email"])
        form.addRow(self.tr("Tags"), self.tags)
        self.custom_form = QFormLayout()
        form.addRow(self.custom_form)

        self.conversation = QTextBrowser(objectName="conversation")
        self.conversation.setOpenExternalLinks(False)

        self.reply = ReplyEdit(objectName="reply")
        self.reply.setPlaceholderText(self.tr("Write a reply… (Ctrl+Enter sends)"))
        self.reply.textChanged.connect(self._draft_timer_start)
        self.internal = QCheckBox(self.tr("Internal note"), objectName="internal")
        self.internal.setToolTip(self.tr("Only agents see internal notes"))
        self.internal.toggled.connect(self._internal_toggled)
        self.send = QPushButton(self.tr("Send reply"), objectName="send")
        self.send.clicked.connect(self.send_reply)
        self.reply.submitted.connect(self.send_reply)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 4, 0)
        top_layout.addWidget(self.ref_label)
        top_layout.addWidget(self.badges)
        top_layout.addWidget(self.subject)
        top_layout.addLayout(form)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.reply)
        actions = QHBoxLayout()
        actions.addWidget(self.internal)
        actions.addStretch(1)
        actions.addWidget(self.send)
        bottom_layout.addLayout(actions)

        # The fields scroll rather than squash when custom fields make them tall.
        self.fields_widget = top
        fields = QScrollArea(objectName="fields", widgetResizable=True)
        fields.setFrameShape(QScrollArea.Shape.NoFrame)
        fields.setWidget(top)
        fields.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="ticketSplit")
        self.splitter.addWidget(fields)
        self.splitter.addWidget(self.conversation)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([top.sizeHint().height() + 8, 320, 130])
        self._sized_for: tuple[int, ...] = ()
        #: Set when the agent moves the splitter; cleared when the rows change.
        self._dragged = False
        self.splitter.splitterMoved.connect(self._splitter_dragged)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

    def _combo(self, values: tuple[str, ...], label: Any, field: str) -> QComboBox:
        combo = QComboBox(objectName=field)
        # Shrink with the panel instead of forcing it wider than the window.
        combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        combo.setMinimumContentsLength(5)
        for value in values:
            combo.addItem(
                label(value or None) if field == "type" else label(value), value
            )
        combo.activated.connect(
            lambda _: self._emit_field(field, str(combo.currentData()))
        )
        return combo

    # -- showing a record ---------------------------------------------------------

    @property
    def ticket(self) -> str | None:
        return self.shown.get("id")

    def set_record(self, record: dict[str, Any] | None) -> None:
        previous = self.ticket
        if previous is not None and (record is None or previous != record["doc"]["id"]):
            self.save_draft()
        self.record = record
        self.shown = ticket_json(record) if record else {}
        self.setEnabled(record is not None)
        if record is None:
            self._show_nothing()
            return
        t = self.shown
        if t["number"]:
            self.ref_label.setText(t["ref"])
            self.ref_label.setToolTip(self.tr("Number assigned by the server"))
        else:
            self.ref_label.setText(
                self.tr("%1 (provisional)").replace("%1", t["provisional"])
            )
            self.ref_label.setToolTip(
                self.tr("The server assigns a number on the first sync")
            )
        switched = previous != t["id"]
        self._set_text(self.subject, t["subject"], switched)
        self._set_combo(self.status, t["status"])
        self._set_combo(self.priority, t["priority"])
        self._set_combo(self.type, t["type"] or "")
        values = {
            "assignee": t["assignee"],
            "group": t["group"],
            "due": t["due"],
            "requester_name": t["requester"]["name"],
            "requester_email": t["requester"]["email"],
        }
        for key, edit in self.edits.items():
            self._set_text(edit, values[key] or "", switched)
        self._set_text(self.tags, " ".join(t["tags"]), switched)
        self._show_custom(t["custom"])
        self.badges.setText(self._badges(t))
        self.badges.setVisible(bool(self.badges.text()))
        # New rows know their height once polished, after this event.
        QTimer.singleShot(0, self, self._fit_fields)
        self.conversation.setHtml(self._conversation_html(record["doc"]))
        self.conversation.verticalScrollBar().setValue(
            self.conversation.verticalScrollBar().maximum()
        )
        if switched:
            body, internal = self.drafts.get(t["id"])
            with QSignalBlocker(self.reply):
                self.reply.setPlainText(body)
            self.internal.setChecked(internal)
            self._show_sending(t["id"] in self._sending)

    def _show_nothing(self) -> None:
        """Blank every field, so no ticket's values stay on show (greyed out, or a
        combo's first choice) under "No ticket selected"."""
        self.ref_label.setText(self.tr("No ticket selected"))
        self.ref_label.setToolTip("")
        self.badges.clear()
        self.badges.hide()
        for edit in (self.subject, self.tags, *self.edits.values()):
            with QSignalBlocker(edit):
                edit.clear()
        for combo in (self.status, self.priority, self.type):
            with QSignalBlocker(combo):
                combo.setCurrentIndex(-1)
        self._show_custom({})
        QTimer.singleShot(0, self, self._fit_fields)
        self.conversation.clear()
        with QSignalBlocker(self.reply):
            self.reply.clear()
        self.internal.setChecked(False)

    def _splitter_dragged(self) -> None:
        self._dragged = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height():
            QTimer.singleShot(0, self, self._fit_fields)

    def _fit_fields(self) -> None:
        """Give the fields the height they need (up to half the panel), so custom
        fields scroll instead of being squashed; once the agent drags the
        splitter, it stays where they put it until the field rows change."""
        layout = self.fields_widget.layout()
        layout.invalidate()
        layout.activate()
        needed = self.fields_widget.sizeHint().height()
        self.fields_widget.setMinimumHeight(needed)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        rows = (self.custom_form.rowCount(), int(self.badges.isVisible()))
        if rows != self._sized_for:
            self._sized_for, self._dragged = rows, False
        wanted = min(needed + 8, total // 2)
        if self._dragged or total <= 0 or sizes[0] == wanted:
            return
        rest = total - wanted - sizes[2]
        self.splitter.setSizes([wanted, max(rest, 80), sizes[2]])

    def _set_text(self, edit: QLineEdit, text: str, switched: bool) -> None:
        """Show a saved value, unless the agent is typing in that field now."""
        if switched or not edit.hasFocus():
            with QSignalBlocker(edit):
                edit.setText(text)

    def _set_combo(self, combo: QComboBox, value: str) -> None:
        with QSignalBlocker(combo):
            combo.setCurrentIndex(max(0, combo.findData(value)))

    def _show_custom(self, custom: dict[str, Any]) -> None:
        while self.custom_form.rowCount():
            self.custom_form.removeRow(0)
        for key, value in sorted(custom.items()):
            shown = ", ".join(sorted(value)) if isinstance(value, dict) else str(value)
            edit = QLineEdit(shown, objectName=f"custom.{key}")
            if isinstance(value, dict):
                edit.setToolTip(self.tr("Options, separated by commas"))
                edit.editingFinished.connect(
                    lambda k=key, e=edit: self._options_done(f"custom.{k}", e)
                )
            else:
                edit.editingFinished.connect(
                    lambda k=key, e=edit: self._text_done(f"custom.{k}", e)
                )
            self.custom_form.addRow(key, edit)

    def _badges(self, t: dict[str, Any]) -> str:
        parts = []
        if t["conflicts"]:
            text = self.tr("%n conflict(s)", "", len(t["conflicts"]))
            link = f'<a href="#conflicts" style="color:white">{text}</a>'
            parts.append(_badge(link, "#c92a2a"))
        if t["deleted"]:
            parts.append(_badge(self.tr("deleted"), "#868e96"))
        sla = t["sla"]  # as `offdesk show` has it: passed due times count
        if sla is not None and sla["breached"]:
            parts.append(_badge(self.tr("SLA breached"), "#c92a2a"))
        elif sla is not None and (due := _next_due(sla)):
            when = labels.when(due)
            parts.append(_badge(self.tr("SLA due %1").replace("%1", when), "#e8590c"))
        if t["clock_warnings"]:
            parts.append(_badge(self.tr("clock ahead"), "#e8590c"))
        return " ".join(parts)

    def _conversation_html(self, doc: dict[str, Any]) -> str:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        reply_bg, note_bg = ("#1f2a37", "#4a3a12") if dark else ("#eef4fb", "#fff3cd")
        note_edge = "#f0b429" if dark else "#e0a800"
        blocks = []
        if doc["description"]:
            blocks.append(
                _message(
                    self.tr("Request from %1").replace(
                        "%1", html.escape(self.shown["requester"]["name"] or "")
                    ),
                    doc["created"],
                    doc["description"],
                    "transparent",
                    "#868e96",
                )
            )
        for c in comment_list(doc):
            if c.get("deleted"):
                continue
            if c["public"]:
                title = self.tr("Reply by %1")
                bg, edge = reply_bg, "#3b82f6"
            else:
                title = self.tr("Internal note by %1")
                bg, edge = note_bg, note_edge
            title = title.replace("%1", html.escape(c["author"].split("<")[0].strip()))
            blocks.append(_message(title, c["created"], c["body"], bg, edge))
        if not blocks:
            empty = self.tr("No messages yet.")
            return f"<p><i>{empty}</i></p>"
        return "".join(blocks)

    # -- edits ---------------------------------------------------------------------

    def _text_done(self, field: str, edit: QLineEdit) -> None:
        if self.record is None:
            return
        current = self._current(field)
        if edit.text().strip() != (current or "").strip():
            self._emit_field(field, edit.text())

    def _current(self, field: str) -> str | None:
        t = self.shown
        if field.startswith("requester."):
            return t["requester"][field.split(".")[1]]
        if field.startswith("custom."):
            value = t["custom"].get(field.removeprefix("custom."))
            return None if value is None else str(value)
        value = t.get(field)
        return None if value is None else str(value)

    def _emit_field(self, field: str, value: str) -> None:
        if self.record is not None and value != (self._current(field) or ""):
            self.field_edited.emit(field, value)

    def _options_done(self, field: str, edit: QLineEdit) -> None:
        if self.record is None:
            return
        wanted = {o.strip() for o in edit.text().split(",") if o.strip()}
        held = set(self.shown["custom"].get(field.removeprefix("custom."), {}))
        if wanted != held:
            self.options_edited.emit(
                field, sorted(wanted - held), sorted(held - wanted)
            )

    def _tags_done(self) -> None:
        if self.record is None:
            return
        wanted = set(self.tags.text().replace(",", " ").split())
        held = set(self.shown["tags"])
        if wanted != held:
            self.tags_edited.emit(sorted(wanted - held), sorted(held - wanted))

    def _internal_toggled(self, internal: bool) -> None:
        self.send.setText(self.tr("Add note") if internal else self.tr("Send reply"))
        self._draft_timer_start()

    def send_reply(self) -> None:
        """Send once: until the store has the reply (the writer may be busy with
        a sync), the editor is read-only and Ctrl+Enter does nothing."""
        body = self.reply.toPlainText()
        ticket = self.ticket
        if ticket is None or not body.strip() or ticket in self._sending:
            return
        self._sending.add(ticket)
        self._show_sending(True)
        self.reply_sent.emit(body, not self.internal.isChecked())

    def _show_sending(self, sending: bool) -> None:
        self.reply.setReadOnly(sending)
        self.send.setEnabled(not sending)
        self.internal.setEnabled(not sending)

    def reply_failed(self, ticket: str) -> None:
        """The reply was not stored: it stays in the editor to send again."""
        self._sending.discard(ticket)
        if ticket == self.ticket:
            self._show_sending(False)

    def reply_delivered(self, ticket: str) -> None:
        """The service stored the reply: clear the editor and its draft."""
        self._sending.discard(ticket)
        if ticket == self.ticket:
            with QSignalBlocker(self.reply):
                self.reply.clear()
            self.internal.setChecked(False)
            self._show_sending(False)
        self._draft_timer.stop()
        try:
            self.drafts.discard(ticket)
        except UserError as e:
            self.draft_failed.emit(str(e))

    def _draft_timer_start(self) -> None:
        if self.record is not None:
            self._draft_timer.start()

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if self.ticket is None:
            return
        try:
            self.drafts.put(
                self.ticket,
                self.reply.toPlainText(),
                internal=self.internal.isChecked(),
            )
        except UserError as e:
            self.draft_failed.emit(str(e))


def _next_due(sla: dict[str, Any]) -> str | None:
    """The due time of the first target not met yet, as `render.sla_text` reads it."""
    if sla["first_response_at"] is None and sla["first_response_due"]:
        return str(sla["first_response_due"])
    if sla["resolved_at"] is None and sla["resolution_due"]:
        return str(sla["resolution_due"])
    return None


def _badge(text: str, colour: str) -> str:
    return (
        f'<span style="background-color:{colour}; color:white;">&nbsp;{text}&nbsp;'
        "</span>"
    )


def _message(title: str, when: str, body: str, bg: str, edge: str) -> str:
    shown = html.escape(body).replace("\n", "<br>")
    stamp = html.escape(labels.when(when))
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" '
        f'style="background-color:{bg}; border-left: 4px solid {edge}; '
        f'margin-bottom: 8px;"><tr><td>'
        f"<b>{title}</b> &nbsp;<span style='color:#868e96'>{stamp}</span>"
        f"<br>{shown}</td></tr></table>"
    )
