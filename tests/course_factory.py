"""Small generated courses for tests: many one-step items, a refresher pool; and a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

START = datetime(2026, 11, 25, 10, 14, 0, tzinfo=UTC)


class Ticker:
    """A clock for tests: START, then one second later at each call."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self.next = start
        self.step = step

    def __call__(self) -> datetime:
        now = self.next
        self.next += self.step
        return now


GUIDELINES = ["CONF-1", "PROF-1", "ACCT-1"]


def _scenario(prefix: str, i: int) -> dict[str, object]:
    guideline = GUIDELINES[i % len(GUIDELINES)]
    return {
        "id": f"{prefix}-{i}",
        "title": f"Item {i} of {prefix}",
        "guidelines": [guideline],
        "situation": f"Situation {i}.",
        "steps": [
            {
                "id": "q",
                "type": "single",
                "prompt": f"Question {i}?",
                "choices": [
                    {
                        "id": "a",
                        "text": "Right",
                        "verdict": "correct",
                        "cites": [guideline],
                        "feedback": "Because it is right.",
                    },
                    {
                        "id": "b",
                        "text": "Wrong",
                        "verdict": "incorrect",
                        "cites": [guideline],
                        "feedback": "Because it is wrong.",
                    },
                    {
                        "id": "c",
                        "text": "Also wrong",
                        "verdict": "incorrect",
                        "cites": [guideline],
                        "feedback": "Because it is also wrong.",
                    },
                ],
            }
        ],
    }


def make_course(
    root: Path,
    *,
    onboarding_items: int = 6,
    pool_size: int = 12,
    draw: int = 4,
    minimum_minutes: int | None = None,
    version: str = "1.0.0",
    ask_certainty: bool = False,
) -> Path:
    """Write a course under ``root``: one onboarding module answered 'a' throughout, one
    refresher module drawing ``draw`` of ``pool_size`` items."""
    (root / "course").mkdir(parents=True, exist_ok=True)
    (root / "scenarios" / "onboarding").mkdir(parents=True, exist_ok=True)
    (root / "scenarios" / "refresher").mkdir(parents=True, exist_ok=True)
    onboarding: dict[str, object] = {
        "title": "Onboarding",
        "modules": ["basics"],
        "pass_mark": 80,
        "credit_hours": 2,
    }
    if minimum_minutes is not None:
        onboarding["minimum_minutes"] = minimum_minutes
    course = {
        "id": "test-course",
        "title": "Test course",
        "version": version,
        "agency": {"name": "Test PD"},
        "provider": {"name": "Test Academy", "number": "T-1"},
        "delivery_method": "online",
        "attestation": "I have read the policy.",
        "tracks": {
            "onboarding": onboarding,
            "refresher": {
                "title": "Refresher",
                "modules": ["review"],
                "pass_mark": 75,
                "credit_hours": 1,
                "recertification_months": 12,
            },
        },
    }
    policy = {
        "title": "Policy",
        "guidelines": [
            {"id": g, "group": "g", "title": f"Title of {g}", "text": f"The text of {g}."}
            for g in GUIDELINES
        ],
    }
    basics = {
        "id": "basics",
        "title": "Basics",
        "estimated_minutes": 5,
        "ask_certainty": ask_certainty,
        "scenarios": [_scenario("basics", i) for i in range(onboarding_items)],
    }
    review = {
        "id": "review",
        "title": "Review",
        "estimated_minutes": 5,
        "pool": {"draw": draw, "cover": GUIDELINES[:2]},
        "scenarios": [_scenario("review", i) for i in range(pool_size)],
    }
    for path, data in (
        ("course/course.yaml", course),
        ("course/guidelines.yaml", policy),
        ("scenarios/onboarding/basics.yaml", basics),
        ("scenarios/refresher/review.yaml", review),
    ):
        (root / path).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root
