"""The worker consumer's rule for offset jumps: re-read dropped records, never commit over them."""

from __future__ import annotations

from pipeline.consumer import Step, next_step


def test_contiguous_records_are_delivered() -> None:
    assert next_step(0, delivered=None, expected=None, rewound_to=None) == Step("deliver")
    assert next_step(7, delivered=6, expected=None, rewound_to=None) == Step("deliver")
    assert next_step(10, delivered=None, expected=10, rewound_to=None) == Step("deliver")  # after a seek


def test_records_fetched_again_are_dropped() -> None:
    assert next_step(5, delivered=9, expected=None, rewound_to=None) == Step("drop")
    assert next_step(9, delivered=9, expected=None, rewound_to=None) == Step("drop")  # not twice in a row


def test_the_kill_test_jump_rewinds_to_the_first_undelivered_offset() -> None:
    # the failed run: offset 13 delivered, then 25 fetched; Faust committed 26 over 14..24
    assert next_step(25, delivered=13, expected=None, rewound_to=None) == Step("rewind", rewind_to=14)


def test_a_jump_right_after_a_seek_rewinds_to_the_seek_position() -> None:
    # committed offset 0: aiokafka's seek_to_committed does not seek, so the position can be ahead
    assert next_step(25, delivered=None, expected=0, rewound_to=None) == Step("rewind", rewind_to=0)


def test_a_jump_that_repeats_after_the_rewind_is_a_real_gap() -> None:
    # read again from 14 and still 25 comes first: 14..24 are gone from the log (retention, compaction)
    assert next_step(25, delivered=None, expected=14, rewound_to=14) == Step("accept_gap")
    # a different jump after the rewind is rewound again
    assert next_step(30, delivered=20, expected=None, rewound_to=14) == Step("rewind", rewind_to=21)
