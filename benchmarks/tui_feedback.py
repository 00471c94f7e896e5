"""From an answer submitted to its verdict on screen: under 16 ms (one frame at 60 Hz)?

Drives the learner's UI with Textual's Pilot at 80x24 on the shipped course and a SQLite
file in a temporary folder (WAL, synchronous=FULL: each answer is durable before its
feedback is drawn). Each round a new learner signs in and takes the first onboarding
module; every item is answered with its first choice and Enter (single, multi and flag
questions alike). Timed per answer: from just before the Enter key is sent to the end of
the first frame whose terminal output (what a terminal would be sent; Pilot's headless
driver would discard it) draws the verdict, its mark and word: the moment the learner can
read it, at 80x24 where the feedback must be scrolled into view. The commit inside
(``Records.answer``), the feedback widgets set (``ScenarioScreen.show_outcome``) and the
first frame composed after them are timed too.

    uv run python benchmarks/tui_feedback.py [--rounds N] [--check]

The target: every question's feedback under 16 ms. Each learner meets the same questions
and gives the same answers, so each question is timed once per learner, and its time is
the median of those: on a shared machine a whole frame now and then runs at half speed
(every widget in it slower alike: the machine, not the code), and one such frame says
nothing of the question. All answers' own p50, p95 and maximum are printed too. With
``--check`` the script exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from trainer.content.course import check_course
from trainer.content.locate import shipped_course_root
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.scenario import ScenarioScreen
from trainer.tui.screens.summary import SummaryScreen
from trainer.tui.widgets.feedback import VERDICTS

TARGET_MS = 16.0
SIZE = (80, 24)
FRAME_WAIT_S = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Timed:
    """Watches an app through one answer: Enter sent, the commit done, the feedback widgets
    updated (``ScenarioScreen.show_outcome``), the first frame composed after that, the
    first frame that draws the verdict."""

    def __init__(self, app: TrainerApp, records: Records) -> None:
        self.marks: dict[str, float] = {}
        display = app._display
        answer = records.answer
        show_outcome = ScenarioScreen.show_outcome

        self.verdict = ""
        self.question = ""

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or "shown" not in self.marks or "painted" in self.marks:
                return
            output = renderable.render_segments(app.console)  # what a terminal would be sent
            now = time.perf_counter()
            self.marks.setdefault("framed", now)
            if self.verdict in output:
                self.marks["painted"] = now

        def timed_answer(*args: Any, **kwargs: Any) -> Any:
            try:
                return answer(*args, **kwargs)
            finally:
                self.marks["committed"] = time.perf_counter()

        def timed_show(screen: ScenarioScreen, outcome: Any) -> None:
            self.verdict = VERDICTS[outcome.verdict][0]
            self.question = f"{screen.scenario.id}/{screen.step.id}"
            show_outcome(screen, outcome)
            self.marks["shown"] = time.perf_counter()

        app._display = timed_display  # type: ignore[method-assign]
        records.answer = timed_answer  # type: ignore[method-assign]
        ScenarioScreen.show_outcome = timed_show  # type: ignore[method-assign]
        self.restore = lambda: setattr(ScenarioScreen, "show_outcome", show_outcome)


Phases = dict[str, list[float]]
PHASES = (
    ("submit to verdict on screen:", "submitted", "painted"),
    ("  the answer committed:", "submitted", "committed"),
    ("  the feedback widgets set:", "committed", "shown"),
    ("  the next frame composed:", "shown", "framed"),
    ("  until a frame draws it:", "framed", "painted"),
)


async def one_round(
    records: Records, badge: str, phases: Phases, questions: dict[str, list[float]]
) -> None:
    app = make_app(records)
    timed = Timed(app, records)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.sign_in(badge)
            await pilot.pause()
            await pilot.press("enter")  # the next module, highlighted on the home screen
            await pilot.pause()
            while isinstance(app.screen, ScenarioScreen):
                await pilot.press("1")
                timed.marks = {"submitted": time.perf_counter()}
                await pilot.press("enter")
                deadline = time.perf_counter() + FRAME_WAIT_S
                while "painted" not in timed.marks:
                    if time.perf_counter() > deadline:
                        raise RuntimeError("no frame drew the verdict in time")
                    await asyncio.sleep(0.0005)
                for label, begin, end in PHASES:
                    phases[label].append((timed.marks[end] - timed.marks[begin]) * 1000)
                questions.setdefault(timed.question, []).append(phases[PHASES[0][0]][-1])
                await pilot.press("enter")  # continue
                await pilot.pause()
            assert isinstance(app.screen, SummaryScreen), app.screen
    finally:
        timed.restore()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="learners, one module each (10)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()

    bundle = check_course(shipped_course_root()).bundle
    assert bundle is not None
    phases: Phases = {label: [] for label, _, _ in PHASES}
    questions: dict[str, list[float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp,
        EventLog.open(str(Path(tmp) / "records.db")) as log,
    ):
        records = Records(log, bundle)
        for n in range(args.rounds + 1):  # the first round warms up, uncounted
            badge = f"B{100 + n}"
            records.register(f"Learner {n}", badge, "Riverton Police Department")
            warm_up: Phases = {label: [] for label, _, _ in PHASES}
            if n == 0:
                asyncio.run(one_round(records, badge, warm_up, {}))
            else:
                asyncio.run(one_round(records, badge, phases, questions))
            if n == 0:
                gc.freeze()  # as `trainer run` does once its records are open

    latencies = phases[PHASES[0][0]]
    print(
        f"{len(latencies)} answers to {len(questions)} questions on the shipped course, 80x24, "
        "SQLite (synchronous=FULL)"
    )
    for label, values in phases.items():
        print(
            f"{label:<30} p50 {statistics.median(values):6.2f} ms   "
            f"p95 {percentile(values, 0.95):6.2f} ms   max {max(values):6.2f} ms"
        )
    typical = {q: statistics.median(times) for q, times in questions.items()}
    slowest = max(typical, key=typical.__getitem__)
    print(
        f"each question, the median of its {args.rounds} answers: fastest "
        f"{min(typical.values()):.2f} ms, slowest {typical[slowest]:.2f} ms ({slowest})"
    )
    met = typical[slowest] < TARGET_MS
    print(f"target: every question under {TARGET_MS:.0f} ms: " + ("met" if met else "MISSED"))
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
