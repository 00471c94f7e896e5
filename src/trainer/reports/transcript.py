"""A learner's transcript: every attempt, score, completion and certificate number.

:func:`transcript` gathers it as data; :func:`transcript_lines` writes it as text and
:mod:`trainer.reports.transcript_pdf` as a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from trainer.content.models import TrackId
from trainer.records.history import Learner, minutes_text
from trainer.records.service import Records


@dataclass(frozen=True)
class AttemptLine:
    started: datetime
    module: str
    module_title: str
    version: str
    is_open: bool
    answers: int
    earned: int | None
    maximum: int | None
    passed: bool | None
    confidently_wrong: int
    time_on_task: timedelta
    seed: int

    @property
    def percent(self) -> float:
        return 100 * (self.earned or 0) / self.maximum if self.maximum else 0.0

    def result(self) -> str:
        """'5/6 (83%) passed', 'open, 2 answers so far', with confident mistakes noted."""
        if self.is_open:
            return f"open, {self.answers} answer{'' if self.answers == 1 else 's'} so far"
        verdict = "passed" if self.passed else "not passed"
        text = f"{self.earned}/{self.maximum} ({self.percent:.0f}%) {verdict}"
        if self.confidently_wrong:
            text += f", {self.confidently_wrong} confidently wrong"
        return text


@dataclass(frozen=True)
class CompletionLine:
    time: datetime
    version: str
    content_hash: str
    valid_until: datetime | None
    certificate: str | None
    """The number of the certificate issued for this completion, if one was."""


@dataclass(frozen=True)
class TrackTranscript:
    track: TrackId
    title: str
    attempts: tuple[AttemptLine, ...]
    completions: tuple[CompletionLine, ...]

    @property
    def time_on_task(self) -> timedelta:
        return sum((a.time_on_task for a in self.attempts), timedelta())


@dataclass(frozen=True)
class Transcript:
    learner: Learner
    course_title: str
    course_version: str
    tracks: tuple[TrackTranscript, ...]

    def identity(self) -> str:
        """'badge 4471, Test PD, unit Patrol, state officer ID P-1'."""
        learner = self.learner
        return ", ".join(
            part
            for part in (
                f"badge {learner.badge}",
                learner.agency,
                f"unit {learner.unit}" if learner.unit else "",
                f"state officer ID {learner.officer_id}" if learner.officer_id else "",
            )
            if part
        )


def transcript(records: Records, badge: str) -> Transcript:
    """Everything the record holds on ``badge``, by track."""
    learner = records.learner(badge)
    history = records.history(badge)
    certificates: dict[tuple[str, str], str] = {}
    for event in records.log.events(learner=badge, kinds=["certificate_issued"]):
        p = event.payload
        certificates[(str(p["track"]), str(p["completed"]))] = str(p["number"])
    course = records.bundle.course
    tracks: list[TrackTranscript] = []
    for track_id, track in course.tracks.items():
        attempts = []
        for a in history.attempts_of(badge, track_id):
            attempts.append(
                AttemptLine(
                    started=a.started,
                    module=a.module,
                    module_title=records.module_of(a).title,
                    version=a.version,
                    is_open=a.is_open,
                    answers=len(a.answers),
                    earned=a.earned,
                    maximum=a.maximum,
                    passed=a.passed,
                    confidently_wrong=sum(
                        1 for x in a.answers if x.certainty == "sure" and x.verdict == "incorrect"
                    ),
                    time_on_task=a.time_on_task,
                    seed=a.seed,
                )
            )
        completions = tuple(
            CompletionLine(
                c.time,
                c.version,
                c.content_hash,
                c.valid_until,
                certificates.get((track_id, c.time.isoformat())),
            )
            for c in history.completions_of(badge, track_id)
        )
        tracks.append(TrackTranscript(track_id, track.title, tuple(attempts), completions))
    return Transcript(learner, course.title, course.version, tuple(tracks))


def transcript_lines(records: Records, badge: str) -> list[str]:
    found = transcript(records, badge)
    lines = [
        f"Transcript of {found.learner.name} ({found.identity()})",
        f"Course: {found.course_title}",
        "",
    ]
    for track in found.tracks:
        lines.append(
            f"{track.title} track: {_count(len(track.attempts), 'attempt')}, "
            f"{minutes_text(track.time_on_task)} on task"
        )
        for done in track.completions:
            until = f", valid until {done.valid_until:%Y-%m-%d}" if done.valid_until else ""
            number = f"; certificate {done.certificate}" if done.certificate else "; no certificate"
            lines.append(
                f"  completed {done.time:%Y-%m-%d %H:%M} UTC on version {done.version} "
                f"(content {done.content_hash[:12]}){until}{number}"
            )
        for a in track.attempts:
            lines.append(
                f"  {a.started:%Y-%m-%d %H:%M} {a.module_title[:34]:<34} {a.result():<26} "
                f"{minutes_text(a.time_on_task):>7}  seed {a.seed}"
            )
        lines.append("")
    return lines


def _count(number: int, what: str) -> str:
    return f"{number} {what}" if number == 1 else f"{number} {what}s"
