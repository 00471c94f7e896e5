"""Item statistics by agency and by unit, summed up as attempts complete.

Item analysis by cohort needs, per item and cohort, how the answers spread over the rest
score of their attempt: for the point-biserial and for the upper and lower 27%. Counted
row by row that is most of the answers table again (a unit of 250 officers answers each
item some 140 times, at nearly as many rest scores). So each (cohort, track, item) keeps
one :class:`ItemCounts`: the answers counted by rest score (``rests``, kept to merge and
to check), and what the report reads of them, worked out when they change (``stats``):
a report by unit reads some 10,000 small rows instead of a million.

A learner's agency and unit are those of their registration when the attempt completes
(no event changes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

COHORT_KINDS = ("agency", "unit")
"""The cohorts counted here; the others (track, version) are columns of the tallies."""

UPPER_LOWER_PERCENT = 27


def group_cuts(scores: Sequence[tuple[float, int]]) -> tuple[float, float] | None:
    """The rest scores at which the upper and lower groups are cut: the score of the
    ⌈27%⌉-th answer from the top, and from the bottom. None when the groups would share
    answers (so many ties that upper and lower cannot be told apart)."""
    n = sum(w for _, w in scores)
    if n == 0:
        return None
    k = (UPPER_LOWER_PERCENT * n + 99) // 100

    def kth(ordered: list[tuple[float, int]]) -> float:
        seen = 0
        for value, w in ordered:
            seen += w
            if seen >= k:
                return value
        return ordered[-1][0]

    ascending = sorted(scores)
    upper, lower = kth(ascending[::-1]), kth(ascending)
    return (upper, lower) if upper > lower else None


@dataclass(frozen=True, slots=True)
class Group:
    """The answers of one side (upper or lower 27%): how many, and how often each choice
    was picked among them."""

    answers: int
    picks: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ItemSummary:
    """What item analysis reads of one item in one cohort (``row``: where it is stored).
    ``hashes`` maps each
    course version answered under to (answers, answers asked for certainty, of which
    "sure" and incorrect); ``sums`` are the point-biserial's n, Σx, Σy, Σy², Σxy over the
    answers whose rest score has a maximum (x: 1 if correct; y: the rest score)."""

    row: int
    cohort: str
    track: str
    module: str
    scenario: str
    step: str
    answers: int
    correct: int
    picks: Mapping[str, int]
    hashes: Mapping[str, tuple[int, int, int]]
    sums: tuple[float, float, float, float, float]
    cuts: tuple[float, float] | None
    upper: Group | None
    lower: Group | None


@dataclass
class ItemCounts:
    """The answers to one item in one cohort and track, counted (mutable while counting)."""

    answers: int = 0
    correct: int = 0
    picks: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, list[int]] = field(default_factory=dict)
    # rest score -> [answers, correct, {choice: picks}]
    rests: dict[float, list[Any]] = field(default_factory=dict)

    def add(
        self,
        content_hash: str,
        earned: int,
        attempt_maximum: int,
        selected: Iterable[str],
        verdict: str,
        points: int,
        maximum: int,
        certainty: str | None,
        count: int = 1,
    ) -> None:
        right = count if verdict == "correct" else 0
        chosen = list(selected)
        self.answers += count
        self.correct += right
        for choice in chosen:
            self.picks[choice] = self.picks.get(choice, 0) + count
        seen = self.hashes.setdefault(content_hash, [0, 0, 0])
        seen[0] += count
        if certainty is not None:
            seen[1] += count
            seen[2] += count if certainty == "sure" and verdict == "incorrect" else 0
        rest_maximum = attempt_maximum - maximum
        if rest_maximum > 0:
            at = self.rests.setdefault((earned - points) / rest_maximum, [0, 0, {}])
            at[0] += count
            at[1] += right
            for choice in chosen:
                at[2][choice] = at[2].get(choice, 0) + count

    def merge(self, other: ItemCounts) -> None:
        self.answers += other.answers
        self.correct += other.correct
        for choice, n in other.picks.items():
            self.picks[choice] = self.picks.get(choice, 0) + n
        for content_hash, (n, asked, wrong) in other.hashes.items():
            seen = self.hashes.setdefault(content_hash, [0, 0, 0])
            seen[0] += n
            seen[1] += asked
            seen[2] += wrong
        for rest, (n, right, picks) in other.rests.items():
            at = self.rests.setdefault(rest, [0, 0, {}])
            at[0] += n
            at[1] += right
            for choice, picked in picks.items():
                at[2][choice] = at[2].get(choice, 0) + picked

    # --- stored form --------------------------------------------------------------------

    def texts(self) -> tuple[str, str]:
        """``(stats, rests)`` as stored: canonical JSON, the same for the same counts."""
        ordered = sorted(self.rests.items())
        n = sx = sy = syy = sxy = 0.0
        for y, (w, right, _) in ordered:
            n += w
            sx += right
            sy += w * y
            syy += w * y * y
            sxy += right * y
        cuts = group_cuts([(y, at[0]) for y, at in ordered])
        upper = lower = None
        if cuts is not None:
            top, bottom = cuts
            upper = _side(at for y, at in ordered if y >= top)
            lower = _side(at for y, at in ordered if y <= bottom)
        stats = {
            "answers": self.answers,
            "correct": self.correct,
            "picks": self.picks,
            "hashes": self.hashes,
            "sums": [n, sx, sy, syy, sxy],
            "cuts": cuts,
            "upper": upper,
            "lower": lower,
        }
        rests = [[y, w, right, picks] for y, (w, right, picks) in ordered]
        return _text(stats), _text(rests)

    @classmethod
    def from_texts(cls, stats_text: str, rests_text: str) -> ItemCounts:
        stats = orjson.loads(stats_text)
        return cls(
            answers=stats["answers"],
            correct=stats["correct"],
            picks=stats["picks"],
            hashes=stats["hashes"],
            rests={float(y): [w, right, picks] for y, w, right, picks in orjson.loads(rests_text)},
        )


def _side(entries: Iterable[list[Any]]) -> list[Any]:
    answers = 0
    picks: dict[str, int] = {}
    for w, _, picked in entries:
        answers += w
        for choice, n in picked.items():
            picks[choice] = picks.get(choice, 0) + n
    return [answers, picks]


def _text(data: object) -> str:
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def summary(
    row: int, cohort: str, track: str, module: str, scenario: str, step: str, stats_text: str
) -> ItemSummary:
    """An item's summary from its stored ``stats``; ValueError, KeyError or TypeError when
    they are not what :meth:`ItemCounts.texts` writes."""
    stats = orjson.loads(stats_text)
    cuts = stats["cuts"]
    upper, lower = stats["upper"], stats["lower"]
    n, sx, sy, syy, sxy = stats["sums"]
    return ItemSummary(
        row,
        cohort,
        track,
        module,
        scenario,
        step,
        int(stats["answers"]),
        int(stats["correct"]),
        {str(c): int(k) for c, k in stats["picks"].items()},
        {str(h): (int(a), int(b), int(c)) for h, (a, b, c) in stats["hashes"].items()},
        (float(n), float(sx), float(sy), float(syy), float(sxy)),
        None if cuts is None else (float(cuts[0]), float(cuts[1])),
        None if upper is None else Group(int(upper[0]), upper[1]),
        None if lower is None else Group(int(lower[0]), lower[1]),
    )
