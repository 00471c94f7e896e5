"""``trainer take``: the course in plain lines, for scripts and screen readers.

One question at a time on standard output, one answer line from standard input. Every
answer is committed before its outcome is printed; at the end of input the session simply
stops, and the next ``take`` resumes at the first unanswered item.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from trainer.content.models import (
    FlagStep,
    Module,
    MultiStep,
    Post,
    Scenario,
    TrackId,
    step_options,
)
from trainer.engine import AnswerError, Certainty, Outcome
from trainer.engine.outcome import CERTAINTIES
from trainer.records.db import RecordsError
from trainer.records.history import Attempt, minutes_text
from trainer.records.service import Records

LETTERS = string.ascii_lowercase


class EndOfInput(Exception):
    """Standard input ran out: stop, everything is saved."""


@dataclass
class LineSession:
    """One learner working through one track, line by line."""

    records: Records
    badge: str
    track: TrackId
    lines: Iterator[str]
    out: Callable[[str], None]

    def read(self, prompt: str) -> str:
        self.out(prompt)
        try:
            return next(self.lines).rstrip("\n")
        except StopIteration:
            raise EndOfInput from None

    def run(self, only_module: str | None = None) -> int:
        learner = self.records.learner(self.badge)
        modules = dict(self.records.bundle.course.tracks.items())[self.track].modules
        if only_module is not None and only_module not in modules:
            raise RecordsError(
                f"track '{self.track}' has no module '{only_module}' (it has: {', '.join(modules)})"
            )
        self.out(
            f"{learner.name} ({learner.badge}), {self.records.bundle.course.title}: "
            f"{self.track} track"
        )
        status = self.records.track_status(self.badge, self.track)
        if not status.round_open:
            cert = status.certification
            until = f"; certified until {cert.valid_until:%Y-%m-%d}" if cert.valid_until else ""
            self.out(f"The {self.track} track is complete{until}. Nothing to do.")
            return 0
        try:
            while True:
                module = self._next_module(only_module)
                if module is None:
                    break
                attempt = self._attempt_for(module)
                self._work(attempt)
                finished = self.records.complete(attempt.id)
                self._summary(finished)
            if not self.records.track_status(self.badge, self.track).all_passed:
                # Only one module was asked for, and it is passed.
                self.out(f"Module '{only_module}' is passed.")
                return 0
            return self._attest()
        except EndOfInput:
            self.out("")
            self.out(
                "End of input: every answer so far is saved. Run the same command to "
                "go on from here."
            )
            return 0

    def _next_module(self, only: str | None) -> Module | None:
        status = self.records.track_status(self.badge, self.track)
        for module_status in status.modules:
            if only is not None and module_status.module.id != only:
                continue
            if module_status.state != "passed":
                return module_status.module
        return None

    def _attempt_for(self, module: Module) -> Attempt:
        attempt = self.records.open_attempt(self.badge, self.track, module.id)
        if attempt is None:
            attempt = self.records.start_attempt(self.badge, self.track, module.id)
            self.out("")
            self.out(
                f"Module: {module.title} ({len(attempt.items)} items, about "
                f"{module.estimated_minutes} min)"
            )
            return attempt
        taught = self.records.module_of(attempt)
        position = attempt.position(taught)
        done = len(attempt.items) if position is None else position[0]
        self.out("")
        self.out(f"Resuming {taught.title}: {done} of {len(attempt.items)} items done.")
        if attempt.content_hash != self.records.bundle.content_hash:
            self.out(
                f"The course has changed since this attempt began; it continues on "
                f"version {attempt.version} ({attempt.content_hash[:12]}), the text it "
                "started with."
            )
        return attempt

    def _work(self, attempt: Attempt) -> None:
        module = self.records.module_of(attempt)
        scenarios = {s.id: s for s in module.scenarios}
        while (position := attempt.position(module)) is not None:
            number, scenario_id, step_id = position
            scenario = scenarios[scenario_id]
            first = scenario.steps[0].id == step_id
            self._ask(attempt, module, scenario, step_id, number, first)
            attempt = self.records.attempt(attempt.id)

    def _ask(
        self,
        attempt: Attempt,
        module: Module,
        scenario: Scenario,
        step_id: str,
        number: int,
        first: bool,
    ) -> None:
        step = next(s for s in scenario.steps if s.id == step_id)
        self.out("")
        self.out(f"[{number + 1}/{len(attempt.items)}] {scenario.title}")
        if first:
            self.out(scenario.situation)
            if scenario.post is not None:
                self.out("")
                for line in post_lines(scenario.post):
                    self.out(line)
        if step.situation:
            self.out(step.situation)
        options = step_options(step)
        while True:
            self.out("")
            self.out(step.prompt)
            for letter, option in zip(LETTERS, options, strict=False):
                self.out(f"  {letter}) {option.text}")
            many = isinstance(step, MultiStep | FlagStep)
            hint = "letters separated by commas, or 'none'" if many else "one letter"
            line = self.read(f"Your answer ({hint}):")
            try:
                selected = letters_to_ids(line, [o.id for o in options], many)
            except AnswerError as exc:
                self.out(f"! {exc}")
                continue
            break
        certainty = self._certainty() if module.ask_certainty else None
        outcome = self.records.answer(attempt.id, scenario.id, step.id, selected, certainty)
        for line in outcome_lines(outcome, [o.id for o in options]):
            self.out(line)

    def _certainty(self) -> Certainty:
        by_letter = {c[0]: c for c in CERTAINTIES}  # s, f, g
        while True:
            line = self.read("How sure are you? (s) sure, (f) fairly sure, (g) guessing:")
            chosen = by_letter.get(line.strip().lower()[:1])
            if chosen is not None:
                return chosen
            self.out("! answer s, f or g")

    def _summary(self, attempt: Attempt) -> None:
        module = self.records.module_of(attempt)
        earned, maximum = attempt.earned or 0, attempt.maximum or 0
        percent = 100 * earned / maximum if maximum else 0
        pass_mark = dict(self.records.version(attempt.content_hash).course.tracks.items())[
            attempt.track
        ].pass_mark
        word = "PASSED" if attempt.passed else "NOT PASSED"
        self.out("")
        self.out(
            f"{module.title}: {word}, {earned} of {maximum} points ({percent:.0f}%; "
            f"pass mark {pass_mark}%)"
        )
        review = [a for a in attempt.answers if a.verdict != "correct"]
        if review:
            self.out("To review: " + ", ".join(f"{a.scenario}/{a.step}" for a in review))
        if not attempt.passed:
            self.out("The retake starts now and favours the sections you found hardest.")

    def _attest(self) -> int:
        status = self.records.track_status(self.badge, self.track)
        if not status.seat_time_met:
            assert status.minimum is not None
            self.out(
                f"Every module is passed, but this track asks for "
                f"{minutes_text(status.minimum)} on task (so far "
                f"{minutes_text(status.time_on_task)})."
            )
            return 0
        course = self.records.bundle.course
        self.out("")
        self.out(
            f"Policy acknowledgement: {course.title}, version {course.version} "
            f"(content {self.records.bundle.content_hash[:12]})"
        )
        self.out(course.attestation)
        while True:
            typed = self.read("Type your badge number to attest:")
            try:
                cert = self.records.attest(self.badge, self.track, typed)
            except RecordsError as exc:
                self.out(f"! {exc}")
                continue
            break
        until = f", valid until {cert.valid_until:%Y-%m-%d}" if cert.valid_until else ""
        self.out(f"Track complete: {self.track}{until}.")
        self._deliver()
        return 0

    def _deliver(self) -> None:
        """Issue the certificate and write its PDF; a failure here loses nothing, since
        the completion is already recorded and the certificate can be issued later."""
        from trainer.certificates.delivery import issue_and_save
        from trainer.certificates.errors import CertificateError

        try:
            done = issue_and_save(self.records, self.badge, self.track, self.out)
        except CertificateError as exc:
            self.out(f"! The certificate could not be written: {exc}")
            self.out(
                "  The completion is recorded: 'trainer certificate issue --learner "
                f"{self.badge} --track {self.track}' writes it once that is fixed."
            )
            return
        self.out(f"Certificate {done.certificate.number}: {done.path}")
        self.out(f"Anyone can check it offline: trainer certificate verify {done.path}")


def post_lines(post: Post) -> list[str]:
    """A mock post as plain lines a screen reader reads well."""
    who = post.author + (f" ({post.handle})" if post.handle else "")
    when = f", {post.time}" if post.time else ""
    lines = [f"Post on {post.platform} by {who}{when}:"]
    lines += [f"  {line}" for line in post.text.splitlines()] if post.text else []
    if post.image:
        lines.append(f"  [Image: {post.image}]")
    if post.reactions:
        lines.append("  " + ", ".join(f"{n} {name}" for name, n in post.reactions.items()))
    return lines


def letters_to_ids(line: str, ids: list[str], many: bool) -> tuple[str, ...]:
    """``b`` or ``a,c`` (letters by position) as option ids."""
    text = line.strip().lower()
    if many and text in ("none", "-"):
        return ()
    parts = [p for p in text.replace(",", " ").split() if p]
    if not parts:
        raise AnswerError("type a letter" + (", or several separated by commas" if many else ""))
    letters = LETTERS[: len(ids)]
    for part in parts:
        if len(part) != 1 or part not in letters:
            raise AnswerError(f"'{part}' is not one of the letters here: {', '.join(letters)}")
    if not many and len(parts) > 1:
        raise AnswerError("choose exactly one letter")
    return tuple(dict.fromkeys(ids[letters.index(p)] for p in parts))


def outcome_lines(outcome: Outcome, order: list[str]) -> list[str]:
    """The verdict as a mark and a word, the feedback of each choice taken and the cited
    policy sections."""
    mark = {"correct": "✓ Correct", "partly": "◐ Partly right", "incorrect": "✗ Incorrect"}
    lines = ["", f"{mark[outcome.verdict]} ({outcome.points} of {outcome.maximum} points)"]
    if outcome.confidently_wrong:
        lines.append("You were sure, and this was wrong: read this one twice.")
    for choice in outcome.chosen:
        lines.append(f"  {LETTERS[order.index(choice.id)]}) {choice.feedback}")
    for choice in outcome.missed:
        lines.append(f"  Missed {LETTERS[order.index(choice.id)]}) {choice.feedback}")
    for cited in outcome.cited:
        lines.append(f"  Policy {cited.id}, {cited.title}: {cited.text}")
    return lines


def run_take(
    records: Records,
    badge: str,
    track: TrackId,
    module: str | None,
    stdin: TextIO,
    out: Callable[[str], None],
) -> int:
    session = LineSession(records, badge, track, iter(stdin), out)
    return session.run(module)
