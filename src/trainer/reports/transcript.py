"""A learner's transcript: every attempt, score and completion."""

from __future__ import annotations

from datetime import timedelta

from trainer.records.history import minutes_text
from trainer.records.service import Records


def transcript_lines(records: Records, badge: str) -> list[str]:
    learner = records.learner(badge)
    history = records.history(badge)
    course = records.bundle.course
    ids = ", ".join(
        part
        for part in (
            f"badge {learner.badge}",
            learner.agency,
            f"unit {learner.unit}" if learner.unit else "",
            f"state officer ID {learner.officer_id}" if learner.officer_id else "",
        )
        if part
    )
    lines = [f"Transcript of {learner.name} ({ids})", f"Course: {course.title}", ""]
    for track_id, track in course.tracks.items():
        attempts = history.attempts_of(badge, track_id)
        total = sum((a.time_on_task for a in attempts), timedelta())
        lines.append(
            f"{track.title} track: {len(attempts)} attempts, {minutes_text(total)} on task"
        )
        for done in history.completions_of(badge, track_id):
            until = f", valid until {done.valid_until:%Y-%m-%d}" if done.valid_until else ""
            lines.append(
                f"  completed {done.time:%Y-%m-%d %H:%M} UTC on version {done.version} "
                f"(content {done.content_hash[:12]}){until}"
            )
        for a in attempts:
            title = records.module_of(a).title
            if a.is_open:
                count = len(a.answers)
                result = f"open, {count} answer{'' if count == 1 else 's'} so far"
            else:
                percent = 100 * (a.earned or 0) / a.maximum if a.maximum else 0.0
                verdict = "passed" if a.passed else "not passed"
                result = f"{a.earned}/{a.maximum} ({percent:.0f}%) {verdict}"
                sure_wrong = sum(
                    1 for x in a.answers if x.certainty == "sure" and x.verdict == "incorrect"
                )
                if sure_wrong:
                    result += f", {sure_wrong} confidently wrong"
            lines.append(
                f"  {a.started:%Y-%m-%d %H:%M} {title[:34]:<34} {result:<26} "
                f"{minutes_text(a.time_on_task):>7}  seed {a.seed}"
            )
        lines.append("")
    return lines
