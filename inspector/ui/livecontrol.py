"""The window's live controls: following the file on and off, the "● Live" indicator,
pause/resume, and "follow newest".

Following itself runs in the session's worker; this module shows its state and lets the user
switch it on (a path opened with ``--no-follow``), off, or pause it. "Follow newest" keeps the
newest run and its newest span selected as spans arrive, until the user clicks or types in
the runs table or the span tree (then the user's selection wins, and following the newest
stops).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStatusBar, QToolButton

from inspector.ui import text
from inspector.ui.placeholders import is_placeholder

if TYPE_CHECKING:
    from inspector.ui.mainwindow import MainWindow

LIVE_GREEN = "#2e7d32"
FOLLOW_FILE_KEY = "Ctrl+Shift+T"  # T for tail; Ctrl+Shift+F and L are taken here, O by File


class _UserInput(QObject):
    """Calls back on mouse and key presses in the widgets it watches: the user, not the
    program, is moving the selection there."""

    def __init__(self, control: LiveControl) -> None:
        super().__init__(control)
        self._control = control

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress):
            self._control.user_selected()
        return False


class LiveControl(QObject):
    """Live menu actions and status-bar buttons of one window."""

    def __init__(self, window: MainWindow, menu: QMenu, bar: QStatusBar) -> None:
        super().__init__(window)
        self.window = window
        self.follow_newest = False
        self._auto_selecting = False  # the window, not the user, is moving the selection

        self.file_action = QAction("&Follow File", window)
        self.file_action.setShortcut(QKeySequence(FOLLOW_FILE_KEY))
        self.file_action.setStatusTip(
            "Keep reading what is appended to the opened file or folder (off: read it once)"
        )
        self.file_action.setCheckable(True)
        self.file_action.setEnabled(False)
        self.file_action.triggered.connect(lambda: self.set_following(self.file_action.isChecked()))
        self.follow_action = QAction("&Live Updates", window)
        self.follow_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.follow_action.setStatusTip(
            "Pause reading what is appended to the followed file, or resume (catching up)"
        )
        self.follow_action.setCheckable(True)
        self.follow_action.setEnabled(False)
        self.follow_action.triggered.connect(self.toggle_paused)
        self.newest_action = QAction("Follow &Newest Run and Span", window)
        self.newest_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.newest_action.setStatusTip(
            "Keep the newest run and its newest span selected as spans arrive"
        )
        self.newest_action.setCheckable(True)
        self.newest_action.triggered.connect(
            lambda: self.set_follow_newest(self.newest_action.isChecked())
        )
        for action in (self.file_action, self.follow_action, self.newest_action):
            window.addAction(action)
            menu.addAction(action)

        self.newest_button = QToolButton()
        self.newest_button.setAutoRaise(True)
        self.newest_button.setDefaultAction(self.newest_action)
        self.newest_button.setText("Follow newest")
        self.live_button = QToolButton()
        self.live_button.setAutoRaise(True)
        self.live_button.clicked.connect(self.toggle_paused)
        bar.addPermanentWidget(self.newest_button)
        bar.addPermanentWidget(self.live_button)
        self.newest_button.hide()
        self.live_button.hide()

        watcher = _UserInput(self)
        for widget in (window.tree.view, window.runs.table):
            widget.installEventFilter(watcher)
            widget.viewport().installEventFilter(watcher)

    # following the source --------------------------------------------------------------------

    def update(self) -> None:
        """Show whether the session follows its source, and whether that is paused."""
        session = self.window.session
        following = session is not None and session.following
        self.file_action.setEnabled(session is not None and session.can_follow)
        self.file_action.setChecked(session is not None and session.follow)
        self.follow_action.setEnabled(following)
        self.follow_action.setChecked(following and not (session and session.paused))
        self.live_button.setVisible(following)
        self.newest_button.setVisible(following)
        if session is None or not following:
            return
        if session.paused:
            self.live_button.setText("❚❚ Paused")
            self.live_button.setStyleSheet("")
            tip = f"Not reading {session.path} — click to resume (Ctrl+Shift+L)"
        else:
            self.live_button.setText("● Live")
            self.live_button.setStyleSheet(f"color: {LIVE_GREEN}; font-weight: bold")
            tip = f"Following {session.path} as it grows — click to pause (Ctrl+Shift+L)"
        self.live_button.setToolTip(text.tooltip(tip))

    def set_following(self, on: bool) -> None:
        """Follow the opened path as it grows (from where it was read up to), or stop."""
        session = self.window.session
        if session is None or not session.can_follow:
            self.update()
            return
        session.set_following(on)
        key = QKeySequence(FOLLOW_FILE_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        self.window.show_message(
            f"Following {session.path}: new spans are read as they are written."
            if on
            else f"Stopped following {session.path} ({key} follows it again)."
        )

    def toggle_paused(self) -> None:
        """Pause following the opened path, or resume."""
        session = self.window.session
        if session is None or not session.following:
            return
        session.set_paused(not session.paused)
        self.window.show_message("Paused following." if session.paused else "Following again.")

    # following the newest span ---------------------------------------------------------------

    def set_follow_newest(self, on: bool) -> None:
        """Keep the newest run and its newest span selected as spans arrive."""
        self.follow_newest = on
        self.newest_action.setChecked(on)
        if on:
            self.jump_to_newest()

    def user_selected(self) -> None:
        """The user picked something: their selection wins over following the newest."""
        if self.follow_newest and not self._auto_selecting:
            self.set_follow_newest(False)
            self.window.show_message(
                "Stopped following the newest span (Ctrl+Shift+F follows again)."
            )

    def on_changed(self) -> None:
        """Spans arrived while following."""
        if self.follow_newest:
            self.jump_to_newest()

    def on_index(self) -> None:
        """The shown run's tree was brought up to date."""
        if self.follow_newest:
            self.select_newest_span()

    def jump_to_newest(self) -> None:
        window = self.window
        session = window.session
        if session is None:
            return
        newest = session.reader.runs(0, 1)  # newest start first: one indexed row
        if not newest:
            return
        self._auto_selecting = True
        try:
            if window.tree.trace_id != newest[0].trace_id:
                window.select_run(newest[0].trace_id, select_first=False)
            window.tree.when_indexed(self.select_newest_span)
        finally:
            self._auto_selecting = False

    def select_newest_span(self) -> None:
        tree = self.window.tree
        index = tree.model.run_index
        if index is None or not self.follow_newest:
            return
        rows = [r for r in index.rows.values() if not is_placeholder(r)]
        if not rows:
            return
        newest = max(rows, key=lambda r: (r.start_ns or 0, r.end_ns is None))
        if tree.selected_span_id() == newest.span_id:
            return
        self._auto_selecting = True
        try:
            tree.reveal(newest.span_id)
        finally:
            self._auto_selecting = False
