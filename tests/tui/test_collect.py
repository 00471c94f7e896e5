"""The UI's own timing of Python's cycle collector (trainer.tui.collect)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from trainer.tui.collect import Collector, collect_while_reading, pause_collection


class Node:
    """Something that can sit in a reference cycle and be watched by a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> tuple[Node, weakref.ref[Node]]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a, weakref.ref(a)


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_garbage_made_before_a_question_is_collected_when_it_is_drawn() -> None:
    node, alive = cycle()
    del node
    collect_while_reading()
    assert alive() is None


def test_survivors_are_frozen_and_what_dies_later_goes_at_the_next_full_collection() -> None:
    collector = Collector()
    node, alive = cycle()
    collector.collect()  # the first is a full one
    assert alive() is not None
    assert gc.get_freeze_count() >= collector.frozen_after_full > 0
    del node
    collector.collect()  # the cycle is frozen: a young collection leaves it be
    assert alive() is not None
    collector.frozen_after_full = 0  # as if the frozen objects had grown by a quarter
    collector.collect()
    assert alive() is None


def test_collection_is_paused_until_resumed() -> None:
    gc.enable()
    resume = pause_collection()
    assert not gc.isenabled()
    resume()
    assert gc.isenabled()


def test_a_pause_leaves_collection_off_if_someone_else_turned_it_off() -> None:
    gc.disable()
    resume = pause_collection()
    resume()
    assert not gc.isenabled()
