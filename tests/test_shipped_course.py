"""What the shipped course promises a department evaluating it."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from trainer.content.course import check_course
from trainer.content.coverage import coverage, mix
from trainer.content.locate import shipped_course_root
from trainer.content.models import PLATFORMS, FlagStep
from trainer.engine import select_items

ROOT = shipped_course_root()
RED_FLAGS = [
    "reflect unfavorably",
    "negative comments",
    "embarrass the department",
    "discredit the department",
    "any information gained",
    "must obtain approval before posting",
    "officers may not criticize",
    "never mention that you are an officer",
    "not protected by the first amendment",
]
GROUPS = {
    "confidentiality",
    "professionalism",
    "accountability",
    "personal accounts and off-duty speech",
    "officer safety and privacy",
    "department accounts and engagement",
    "monitoring and enforcement",
    "training requirements",
    "consequences",
}


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return check_course(ROOT)


def test_validates_with_no_errors_and_no_warnings(result) -> None:  # type: ignore[no-untyped-def]
    assert [d.format() for d in result.diagnostics] == []


def test_the_policy(result) -> None:  # type: ignore[no-untyped-def]
    policy = result.bundle.policy
    assert 15 <= len(policy.guidelines) <= 20
    assert {g.group for g in policy.guidelines} == GROUPS
    assert all(g.source for g in policy.guidelines)
    text = (ROOT / "course/guidelines.yaml").read_text(encoding="utf-8").casefold()
    text = re.sub(r"\s+", " ", text)
    assert [p for p in RED_FLAGS if p in text] == []


def test_tracks_metadata_and_size(result) -> None:  # type: ignore[no-untyped-def]
    bundle = result.bundle
    tracks = dict(bundle.course.tracks.items())
    onboarding, refresher = tracks["onboarding"], tracks["refresher"]
    assert (onboarding.credit_hours, onboarding.pass_mark) == (2.0, 80)
    assert (refresher.credit_hours, refresher.pass_mark, refresher.recertification_months) == (
        1.0,
        80,
        12,
    )
    on_modules = bundle.track_modules("onboarding")
    re_modules = bundle.track_modules("refresher")
    assert len(on_modules) >= 4
    assert sum(len(m.scenarios) for m in on_modules) >= 28
    assert len(re_modules) >= 4
    assert sum(len(m.scenarios) for m in re_modules) >= 36
    assert all(m.pool is not None for m in re_modules)


def test_every_guideline_tested_by_three_scenarios_and_the_mix(result) -> None:  # type: ignore[no-untyped-def]
    matrix = coverage(result.bundle)
    assert {g: sum(c.values()) for g, c in matrix.items() if sum(c.values()) < 3} == {}
    shape = mix(result.bundle)
    assert all(shape.step_types.get(kind, 0) >= 6 for kind in ("single", "multi", "flag"))
    assert shape.branching >= 6


def test_every_platform_appears(result) -> None:  # type: ignore[no-untyped-def]
    used = {
        s.post.platform for m in result.bundle.modules for s in m.scenarios if s.post is not None
    }
    assert used == set(PLATFORMS)


def test_flag_segments_leave_something_harmless_to_leave_alone(result) -> None:  # type: ignore[no-untyped-def]
    for module in result.bundle.modules:
        for scenario in module.scenarios:
            for step in scenario.steps:
                if isinstance(step, FlagStep):
                    verdicts = Counter(s.verdict for s in step.segments)
                    assert verdicts["incorrect"] >= 1, f"{scenario.id}: flagging all is right"


def test_two_consecutive_refreshers_share_at_most_half_their_items(result) -> None:  # type: ignore[no-untyped-def]
    modules = result.bundle.track_modules("refresher")
    rng = random.Random(2026)
    for _ in range(300):
        first = [i for m in modules for i in select_items(m, rng.getrandbits(63))]
        avoid = set(first)
        second = [i for m in modules for i in select_items(m, rng.getrandbits(63), avoid=avoid)]
        assert len(set(first) & set(second)) <= len(first) // 2
