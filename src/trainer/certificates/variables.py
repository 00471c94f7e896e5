"""What a certificate's wording can say: the payload as plain values, dates written for
people in the template's time zone.

Only dicts, lists, text and numbers: a template author sees the facts, never the Python
objects behind them, and the sandbox has nothing of ours to reach into.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trainer.certificates.facts import duration
from trainer.certificates.payload import CertificatePayload

DateStyle = Literal["us", "international", "iso"]
DATE_STYLES: tuple[DateStyle, ...] = ("us", "international", "iso")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def zone(name: str) -> tzinfo:
    """The time zone called ``name`` (an IANA name such as America/Chicago, or UTC).
    Raises ValueError when there is none by that name."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(name) from None


def day(moment: datetime, style: DateStyle, where: tzinfo) -> str:
    """'May 4, 2026' (us), '4 May 2026' (international) or '2026-05-04' (iso)."""
    local = moment.astimezone(where)
    if style == "iso":
        return local.date().isoformat()
    month = _MONTHS[local.month - 1]
    if style == "us":
        return f"{month} {local.day}, {local.year}"
    return f"{local.day} {month} {local.year}"


def moment_text(moment: datetime, style: DateStyle, where: tzinfo) -> str:
    """The day, then the time and zone: 'May 4, 2026, 09:03 CDT'."""
    local = moment.astimezone(where)
    joiner = " " if style == "iso" else ", "
    return f"{day(moment, style, where)}{joiner}{local:%H:%M} {local.tzname() or 'UTC'}"


def number_text(value: float) -> str:
    """1.5 as '1.5', 2.0 as '2', 87.5 as '87.5'."""
    return f"{value:g}"


def wording_variables(
    payload: CertificatePayload, style: DateStyle = "us", where: tzinfo = UTC
) -> dict[str, object]:
    """Every variable a wording field may use. The names are the same for every payload
    (an absent expiry is None), so a template is checked once, when it is loaded."""
    p = payload

    def dated(moment: datetime | None) -> str | None:
        return day(moment, style, where) if moment is not None else None

    def timed(moment: datetime | None) -> str | None:
        return moment_text(moment, style, where) if moment is not None else None

    return {
        "number": p.number,
        "learner": {"name": p.learner_name, "badge": p.badge, "state_id": p.state_officer_id},
        "agency": p.agency,
        "provider": {"name": p.provider_name, "number": p.provider_number},
        "course": {
            "id": p.course_id,
            "title": p.course_title,
            "version": p.course_version,
            "hash": p.content_hash,
            "control_number": p.control_number,
        },
        "track": {"id": p.track, "title": p.track_title},
        "modules": [
            {
                "id": m.id,
                "title": m.title,
                "earned": m.earned,
                "maximum": m.maximum,
                "percent": number_text(m.percent),
            }
            for m in p.modules
        ],
        "score": {
            "earned": p.earned,
            "maximum": p.maximum,
            "percent": number_text(p.percent),
            "pass_mark": p.pass_mark,
        },
        "hours": number_text(p.credit_hours),
        "delivery": p.delivery_method,
        "time_on_task": duration(p.time_on_task),
        "started": dated(p.started),
        "completed": dated(p.completed),
        "expires": dated(p.expires),
        "issued": dated(p.issued),
        "started_at": timed(p.started),
        "completed_at": timed(p.completed),
        "expires_at": timed(p.expires),
        "issued_at": timed(p.issued),
        "year": p.completed.astimezone(where).year,
        "officer": {"name": p.officer_name, "title": p.officer_title},
        "key_id": p.kid,
    }
