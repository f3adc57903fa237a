"""The worker consumer's rule for offset jumps: re-read dropped records, never commit over them."""

from __future__ import annotations

import asyncio

from pipeline.consumer import Step, next_step, seek_all_to_committed


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
    # a seek the fetcher's position did not follow (aiokafka's own seek_to_committed ignores offset 0)
    assert next_step(25, delivered=None, expected=0, rewound_to=None) == Step("rewind", rewind_to=0)


def test_a_jump_that_repeats_after_the_rewind_is_a_real_gap() -> None:
    # read again from 14 and still 25 comes first: 14..24 are gone from the log (retention, compaction)
    assert next_step(25, delivered=None, expected=14, rewound_to=14) == Step("accept_gap")
    # a different jump after the rewind is rewound again
    assert next_step(30, delivered=20, expected=None, rewound_to=14) == Step("rewind", rewind_to=21)


class _FakeConsumer:
    """The three calls of aiokafka's consumer that ``seek_all_to_committed`` makes."""

    def __init__(self, committed: dict[str, int | None], positions: dict[str, int]) -> None:
        self._committed = committed
        self.positions = dict(positions)

    def assignment(self) -> set[str]:
        return set(self._committed)

    async def committed(self, tp: str) -> int | None:
        return self._committed[tp]

    def seek(self, tp: str, offset: int) -> None:
        self.positions[tp] = offset


def test_seek_to_committed_rewinds_a_partition_committed_at_zero() -> None:
    # records 0..10 fetched while a rebalance stopped the flow, then dropped by Faust: the position is
    # 11, the committed offset 0 (a new topic); aiokafka's own seek_to_committed leaves it at 11
    consumer = _FakeConsumer(
        {"articles-2": 0, "articles-3": 8, "changelog-0": None},
        {"articles-2": 11, "articles-3": 10, "changelog-0": 4},
    )
    committed = asyncio.run(seek_all_to_committed(consumer))
    assert committed == {"articles-2": 0, "articles-3": 8, "changelog-0": None}
    # a partition without a committed offset keeps its position, as in aiokafka
    assert consumer.positions == {"articles-2": 0, "articles-3": 8, "changelog-0": 4}
