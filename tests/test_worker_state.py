"""Local table state survives a clean stop and is rebuilt from the changelogs after a crash."""

from __future__ import annotations

from pathlib import Path

from pipeline.worker import CLEAN_SHUTDOWN_MARKER, discard_state_after_crash


def _state(tmp_path: Path) -> Path:
    state = tmp_path / "worker-state"
    (state / "v1" / "tables").mkdir(parents=True)
    (state / "v1" / "tables" / "feed-items-0.db").write_text("rocksdb files")
    return state


def test_state_of_a_clean_stop_is_kept_and_the_marker_consumed(tmp_path: Path) -> None:
    state = _state(tmp_path)
    (state / CLEAN_SHUTDOWN_MARKER).touch()
    assert discard_state_after_crash(state) is False
    assert (state / "v1" / "tables" / "feed-items-0.db").exists()
    assert not (state / CLEAN_SHUTDOWN_MARKER).exists()  # a crash in this run must not look clean


def test_state_left_by_a_killed_worker_is_deleted(tmp_path: Path) -> None:
    state = _state(tmp_path)
    assert discard_state_after_crash(state) is True
    assert not state.exists()


def test_a_first_start_has_nothing_to_discard(tmp_path: Path) -> None:
    assert discard_state_after_crash(tmp_path / "never-created") is False
