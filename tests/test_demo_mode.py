"""When `diplofeed demo` stops by itself: asked to (--once), or run by CI where nobody presses Ctrl-C."""

from __future__ import annotations

from pipeline.tools.demo import runs_once


def test_demo_watches_the_inbox_in_a_terminal_and_exits_in_ci() -> None:
    assert runs_once(False, {}) is False
    assert runs_once(True, {}) is True
    assert runs_once(False, {"CI": "true"}) is True
    assert runs_once(False, {"CI": "1"}) is True
    assert runs_once(False, {"CI": "false"}) is False
    assert runs_once(False, {"CI": ""}) is False
