"""The certified facts as labelled lines, for a face to print (the CLI's verify, later the
TUI). Only wording lives here; every value comes from the payload as signed."""

from __future__ import annotations

from trainer.certificates.payload import CertificatePayload
from trainer.certificates.timefmt import day, minute


def facts(p: CertificatePayload) -> list[tuple[str, str]]:
    """(label, value) pairs in reading order; a value may span several lines."""
    learner = f"{p.learner_name}, badge {p.badge}"
    if p.state_officer_id:
        learner += f", state officer ID {p.state_officer_id}"
    lines = [
        ("certificate", p.number),
        ("learner", learner),
        ("agency", p.agency),
        ("provider", f"{p.provider_name} (provider number {p.provider_number})"),
        ("course", f"{p.course_title}, version {p.course_version} ({p.course_id})"),
    ]
    if p.control_number:
        lines.append(("control number", p.control_number))
    lines += [
        ("content hash", p.content_hash),
        ("track", f"{p.track_title} ({p.track})"),
        (
            "modules",
            "\n".join(
                f"{m.title}: {m.earned} of {m.maximum} points ({m.percent:g}%)" for m in p.modules
            )
            or "none",
        ),
        (
            "score",
            f"{p.earned} of {p.maximum} points ({p.percent:g}%); pass mark {p.pass_mark}%",
        ),
        ("credit hours", f"{p.credit_hours:g}"),
        (
            "training",
            f"{minute(p.started)} to {minute(p.completed)}, {duration(p.time_on_task)} on task",
        ),
        ("delivery", p.delivery_method),
        ("policy read", f"acknowledged {minute(p.acknowledged)}"),
        ("expires", day(p.expires) if p.expires is not None else "never"),
        ("attempt seeds", "\n".join(f"{a.module}: {a.seed}" for a in p.attempts) or "none"),
        ("issued", f"{minute(p.issued)} by {p.officer_name}, {p.officer_title}"),
        ("signing key", p.kid),
    ]
    return lines


def duration(seconds: int) -> str:
    """'1 h 30 min', '45 min', 'under 1 min'."""
    if 0 < seconds < 30:
        return "under 1 min"
    hours, minutes = divmod(round(seconds / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
