"""The worker's Kafka consumer: Faust's aiokafka consumer without its way of losing records.

Faust treats offsets it never read as *gaps* and commits over them, which is right for
compacted or transactional topics (offsets really are missing there) and wrong everywhere else.
A kill -9 test caught the consequence (the broker's offset history of the failed run): a worker
read offsets 13 and then 25 of a plain ``articles`` partition, recorded 14..24 as a gap, and
committed 26; eleven articles were never parsed (faust-streaming #216, #606 describe the same
jumps around recovery).  The records had been taken from aiokafka but dropped inside Faust before
reaching the agent, and nothing reads them again once the commit has passed them.

``LosslessConsumer`` reads an offset jump on an acked topic as records dropped on the way: it seeks
back to the first offset it did not deliver and skips the rest of that partition's batch, so the
missing records come again (at-least-once).  Only when the same jump repeats right after such a
rewind (records truly gone: retention, compaction, transaction markers) does it fall back on
Faust's gap.  It also never commits past an offset that was not acked: Faust's check lets a hole
of exactly one offset at the head of the acked list through.

The jump rule needs a later record to notice a loss, and the last records of a burst have none:
the two-worker scale-out test left 5 (or 11, or 21) articles with their lag for good when Faust
lost them around a rebalance.  Three ways, each closed here:

* Faust drops whole fetches while a rebalance runs and counts on its seek back to the committed
  offsets to read them again, which aiokafka skips for a committed offset of 0
  (aio-libs/aiokafka#1003), the offset of every partition of a new topic:
  ``LosslessConsumerThread`` seeks to 0 as well (:func:`seek_all_to_committed`).
* The recovery seeks, then resumes its flow control, which empties every stream's queue; records
  fetched in between were thrown away untracked.  Stream partitions resume with the consumer's
  flow, right after that (:meth:`LosslessConsumer.resume_flow`).
* Faust hands the consumer thread its live set of active partitions and aiokafka reads an empty
  set as "every partition": records of paused partitions came back and were dropped.  The thread
  gets a copy, never an empty one (:meth:`LosslessConsumer._getmany`).  Seeks are serialised:
  the fetcher seeks too when it finds the flow stopped, and one finishing after the recovery's
  reset the bookkeeping from offsets read before.

The decision is the pure function :func:`next_step`; the drain loop is Faust's own
(``faust.transport.consumer.Consumer._drain_messages``, faust-streaming 0.15) with that call added,
which is why pyproject pins faust-streaming to 0.15.x: re-check this file before moving the pin.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """What to do with a fetched record."""

    action: str  # "deliver", "drop" (already delivered: a re-fetch), "rewind", "accept_gap"
    rewind_to: int | None = None


def next_step(offset: int, delivered: int | None, expected: int | None, rewound_to: int | None) -> Step:
    """Decide for one fetched record of one partition.

    ``delivered`` is the last offset handed to the streams since the last seek, ``expected`` the
    position a seek set (the next offset to read), ``rewound_to`` where this partition was last
    rewound and nothing has been delivered since.
    """
    if delivered is not None:
        expected = delivered + 1
    if expected is None or offset == expected:
        return Step("deliver")
    if offset < expected:
        return Step("drop")
    if rewound_to == expected:
        return Step("accept_gap")  # re-read from here and the same offsets are still missing
    return Step("rewind", rewind_to=expected)


async def seek_all_to_committed(consumer: Any) -> dict[Any, int | None]:
    """Seek every assigned partition to its committed offset, 0 included; the committed offsets.

    aiokafka's ``seek_to_committed`` seeks only ``if offset and offset > 0`` (aio-libs/aiokafka#1003),
    so a partition committed at 0 keeps whatever position the fetcher reached.  Faust drops the
    records it fetched while a rebalance stopped the flow and then calls this to read them again:
    on a new topic (log start 0, committed 0 by ``initialise_group_offsets``) they were skipped for
    good, and with no later record on the partition nothing noticed.  Partitions without a
    committed offset (changelogs) keep their position, as in aiokafka.
    """
    committed: dict[Any, int | None] = {}
    for tp in consumer.assignment():
        offset = await consumer.committed(tp)
        committed[tp] = offset
        if offset is not None and offset >= 0:
            consumer.seek(tp, offset)
    return committed


class LosslessConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Faust's aiokafka consumer thread whose seek to the committed offsets also seeks to 0."""

    async def seek_to_committed(self) -> Mapping[TP, int]:
        result: Mapping[TP, int] = await self.call_thread(seek_all_to_committed, self._ensure_consumer())
        return result


class LosslessConsumer(faust_aiokafka.Consumer):
    """Faust's aiokafka consumer that re-reads dropped records instead of committing over them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._delivered: dict[TP, int] = {}
        self._expected: dict[TP, int] = {}
        self._rewound_to: dict[TP, int] = {}
        self.rewinds: Counter[str] = Counter()  # topic -> seeks back; read by the metrics task
        self._epoch: Counter[TP] = Counter()  # bumped by every seek: a delivery that spans one is stale
        self._resume_after_seek: set[TP] = set()
        self._resume_with_flow: set[TP] = set()
        self._seek_lock = asyncio.Lock()

    def _new_consumer_thread(self) -> LosslessConsumerThread:
        return LosslessConsumerThread(self, loop=self.loop, beacon=self.beacon)

    # -- positions: every seek restarts the bookkeeping of a partition ---------------------------

    def _forget(self, tps: Any) -> None:
        for tp in tps:
            self._delivered.pop(tp, None)
            self._expected.pop(tp, None)
            self._epoch[tp] += 1

    def resume_partitions(self, tps: Any) -> None:
        """Stream partitions start fetching only once sought to the committed offsets and flowing.

        Faust resumes them first and seeks after (faust-streaming #216): records fetched in between
        reach the agents from wherever the fetcher stood, the seek then moves the position under
        them, and that is where Faust loses track of what it delivered.  After the seek they wait
        for :meth:`resume_flow` too: the recovery seeks, then resumes its flow control, which
        empties every stream's queue (``clear_on_resume``); records fetched between the two were
        thrown away there, untracked and never acked (5 articles left with their lag for good).
        """
        tps = set(tps)
        streams = {tp for tp in tps if not self._is_changelog_tp(tp)}
        self._resume_after_seek |= streams
        super().resume_partitions(tps - streams)

    async def perform_seek(self) -> None:
        # One seek at a time: Faust's fetcher seeks too when it finds the flow stopped, and a seek
        # finishing after the recovery's reset the bookkeeping from committed offsets read earlier.
        async with self._seek_lock:
            sought, self._resume_after_seek = self._resume_after_seek, set()
            try:
                await super().perform_seek()
            except BaseException:
                self._resume_after_seek |= sought  # the next seek resumes them
                raise
            self._forget(set(self._delivered) | set(self._expected) | set(self._read_offset))
            self._expected.update(
                {tp: offset for tp, offset in self._read_offset.items() if offset is not None}
            )
            self._resume_with_flow |= sought

    def resume_flow(self) -> None:
        super().resume_flow()
        resumed, self._resume_with_flow = self._resume_with_flow, set()
        if resumed:
            super().resume_partitions(resumed & self.assignment())

    async def _getmany(self, active_partitions: set[TP] | None, timeout: float) -> Any:
        """Fetch only the partitions active now; aiokafka reads an empty set as every partition.

        Faust passes its live set of active partitions to the consumer thread, which the event loop
        changes while aiokafka waits on it, and aiokafka returns records of all assigned partitions
        when the set is empty; Faust then drops the records of partitions it does not find active.
        """
        if active_partitions is not None:
            active_partitions = set(active_partitions)
            if not active_partitions:
                return {}
        return await super()._getmany(active_partitions, timeout)

    async def seek(self, partition: TP, offset: int) -> None:
        await super().seek(partition, offset)
        self._forget([partition])
        self._expected[partition] = offset

    async def seek_wait(self, partitions: Mapping[TP, int]) -> None:
        """Seek in the consumer's own thread (aiokafka is not thread-safe) and wait for the position."""
        await super().seek_wait(partitions)
        self._forget(partitions)
        self._expected.update(partitions)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self._forget(revoked)
        self._resume_after_seek -= revoked
        self._resume_with_flow -= revoked
        for tp in revoked:
            self._rewound_to.pop(tp, None)
        await super().on_partitions_revoked(revoked)

    # -- commits ----------------------------------------------------------------------------------

    def _new_offset(self, tp: TP) -> int | None:
        committed = self._committed_offset[tp]
        acked = self._acked[tp]
        if acked and committed is not None and not self._gap[tp] and min(acked) > committed:
            return None  # the committed offset itself is still unacked: nothing new to commit
        result: int | None = super()._new_offset(tp)
        return result

    # -- the drain loop ---------------------------------------------------------------------------

    async def _drain_messages(self, fetcher: Any) -> None:  # pragma: no cover - run by every worker test
        """Faust's drain loop with :func:`next_step` deciding each record of an acked topic."""
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set
        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for
        yield_every = 100
        num_since_yield = 0
        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                self.diag.set_flag(CONSUMER_FETCHING)
                ait = getmany(timeout=1.0)
                await self.sleep(0)
                if self.should_stop:
                    continue
                rewound: set[TP] = set()
                async for tp, message in ait:
                    num_since_yield += 1
                    if num_since_yield > yield_every:
                        await asyncio.sleep(0)
                        num_since_yield = 0
                    if tp in rewound:
                        continue  # fetched before the seek back; it comes again
                    offset = message.offset
                    if acks_enabled_for(message.topic):
                        step = next_step(
                            offset, self._delivered.get(tp), self._expected.get(tp), self._rewound_to.get(tp)
                        )
                        if step.action == "drop":
                            continue
                        if step.action == "rewind":
                            assert step.rewind_to is not None
                            log.warning(
                                "%s: expected offset %s, got %s; reading again from the expected one",
                                tp,
                                step.rewind_to,
                                offset,
                            )
                            self.rewinds[tp.topic] += 1
                            rewound.add(tp)
                            self._rewound_to[tp] = step.rewind_to
                            await self.seek_wait({tp: step.rewind_to})
                            continue
                        if step.action == "accept_gap":
                            log.warning("offsets before %s of %s are gone from the log", offset, tp)
                            await self._add_gap(tp, self._rewound_to[tp], offset)
                    else:  # changelogs and other unacked topics: Faust's rule, drop what was read already
                        r_offset = get_read_offset(tp)
                        if r_offset is not None and offset < r_offset:
                            continue
                    if commit_every is not None and self._n_acked >= commit_every:
                        self._n_acked = 0
                        await self.commit()
                    handed_over = False

                    async def deliver(record: Any = message) -> None:
                        nonlocal handed_over
                        await callback(record)
                        handed_over = True

                    epoch = self._epoch[tp]
                    await self.wait_first(deliver(), self.suspend_flow.wait())
                    set_read_offset(tp, offset)
                    # Only a record the streams really got, with no seek in between, counts as delivered.
                    if handed_over and epoch == self._epoch[tp]:
                        self._delivered[tp] = offset
                        self._rewound_to.pop(tp, None)
                self.diag.unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)


class LosslessTransport(faust_aiokafka.Transport):
    """The aiokafka transport with :class:`LosslessConsumer`."""

    Consumer = LosslessConsumer
