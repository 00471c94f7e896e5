"""The record as xAPI 1.0.3 statements, one JSON object per line, for a learning record
store (LRS).

Each event becomes one statement: an attempt started is *attempted* (the module), an
answer *answered* (the question), a completed attempt *passed* or *failed* (the module),
a track completed (the policy attestation) *completed* (the track). The statement id is
derived from the event's hash, so exporting again gives the same ids and an LRS, which
refuses a second statement with an id it holds, takes each event once.

Activity ids are IRIs under a base the agency chooses (``--activity-iri``):
``BASE`` (the course), ``BASE/tracks/TRACK``, ``BASE/modules/MODULE`` and
``BASE/scenarios/SCENARIO/steps/STEP``; context extensions are ``BASE/extensions/...``.
The actor is an account: the learner's badge on the agency's system (``homePage``).

Statements are assembled from pre-serialised JSON pieces (the actor of each learner, the
object of each question, the context of each module), since an export covers millions
of events and most of each statement repeats. An activity's definition (its name, and a
question's prompt, choices and correct response) goes with the first statement that
names it in the export; later ones name it by id, as an LRS keeps the definition.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import urlsplit

import orjson

from trainer.content.course import CourseBundle
from trainer.content.models import Course, Module, step_options
from trainer.records.db import RecordsError
from trainer.records.events import EventKind
from trainer.records.history import IDLE_CAP, Learner
from trainer.records.service import Records
from trainer.reports.standing import registered
from trainer.reports.stored import payload_of

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = ("attempted", "answered", "passed", "failed", "completed")
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
QUESTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
NAMESPACE = uuid.UUID("5f0b6a2e-3c57-4d1e-9a43-0c1f6d1b8e27")
"""Statement ids are uuid5(NAMESPACE, event hash): fixed forever, or ids would change."""
_NAMESPACE_BYTES = NAMESPACE.bytes
_CAP = IDLE_CAP.total_seconds()
LANGUAGE = "en-US"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class XapiError(ValueError):
    """An activity IRI or home page that an LRS would refuse; ``str()`` says why."""


def default_activity_iri(course: Course) -> str:
    """Where activity ids live unless the agency says: under the reserved ``.invalid``
    domain (RFC 2606), which never resolves, so nobody mistakes it for a real site."""
    return f"https://xapi.trainer.invalid/{course.id}"


@dataclass(frozen=True)
class Iris:
    base: str
    home_page: str

    @staticmethod
    def of(course: Course, activity_iri: str | None, home_page: str | None) -> Iris:
        """Checked IRIs: the base of activity ids (absolute, without spaces) and the actor
        accounts' home page (an http or https URL; by default the base's site)."""
        base = (activity_iri or default_activity_iri(course)).strip().rstrip("/")
        if not _SCHEME.match(base) or any(c.isspace() for c in base) or base.endswith(":"):
            raise XapiError(
                f"'{activity_iri}' is not an absolute IRI for activity ids: give one such as "
                "https://academy.example.gov/xapi/social-media"
            )
        if home_page is None:
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise XapiError(
                    f"cannot take the learners' home page from '{base}': give "
                    "--home-page with the agency's http(s) address"
                )
            home_page = f"{parts.scheme}://{parts.netloc}"
        parts = urlsplit(home_page.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in home_page.strip():
            raise XapiError(
                f"'{home_page}' is not an http(s) address for the learners' home page, such "
                "as https://academy.example.gov"
            )
        return Iris(base, home_page.strip())


def statements(records: Records, iris: Iris) -> Iterator[bytes]:
    """Every statement the record holds, as JSON lines in bytes, in the order the events
    happened."""
    writer = _Writer(records, iris, registered(records))
    kinds: tuple[EventKind, ...] = (
        "attempt_started",
        "answer_recorded",
        "attempt_completed",
        "policy_acknowledged",
    )
    for seq, stamp, kind, learner, attempt, payload, _, digest in records.log.rows(kinds=kinds):
        line = writer.statement(
            kind, str(learner), str(attempt), stamp, payload_of(seq, payload), digest
        )
        if line is not None:
            yield line


@dataclass
class _Attempt:
    badge: str
    track: str
    module: str
    content_hash: str
    context: bytes
    """The statement context of this attempt, its registration included."""
    last: float
    """The time of its latest event, in seconds."""
    seconds: float = 0.0

    def tick(self, moment: float) -> None:
        """Count the time since the attempt's last event, up to the idle cap."""
        gap = moment - self.last
        if gap > 0:
            self.seconds += min(gap, _CAP)
        self.last = moment


class _Writer:
    """Turns events into statement lines, caching the pieces that repeat."""

    def __init__(self, records: Records, iris: Iris, learners: dict[str, Learner]) -> None:
        self.records = records
        self.iris = iris
        self.learners = learners
        self.course = records.bundle.course
        self.verbs = {
            verb: orjson.dumps({"id": ADL + verb, "display": {LANGUAGE: verb}}) for verb in VERBS
        }
        self.actors: dict[str, bytes] = {}
        self.objects: dict[tuple[str, ...], bytes] = {}
        """Each activity by id alone, once its definition has gone out in a statement."""
        self.contexts: dict[tuple[str, ...], bytes] = {}
        self.attempts: dict[str, _Attempt] = {}
        self.bundles: dict[str, CourseBundle | None] = {}

    def statement(
        self,
        kind: str,
        badge: str,
        attempt_id: str,
        stamp: str,
        p: dict[str, object],
        digest: str,
    ) -> bytes | None:
        """The statement of one event (None for an event of an attempt never started)."""
        if kind == "attempt_started":
            content_hash = str(p["content_hash"])
            track, module = str(p["track"]), str(p["module"])
            context = self._context((content_hash, track, module), str(p["version"]))
            attempt = _Attempt(
                badge,
                track,
                module,
                content_hash,
                b'{"registration":"' + _registration(attempt_id) + b'",' + context[1:],
                _epoch(stamp),
            )
            self.attempts[attempt_id] = attempt
            target = self._module(content_hash, module)
            return self._assemble(digest, badge, "attempted", target, b"", attempt.context, stamp)
        if kind == "answer_recorded":
            found = self.attempts.get(attempt_id)
            if found is None:
                return None
            found.tick(_epoch(stamp))
            points, maximum = cast(int, p["points"]), cast(int, p["maximum"])
            selected = cast(list[str], p["selected"])
            result = (
                b',"result":{"success":'
                + (b"true" if p["verdict"] == "correct" else b"false")
                + b',"response":'
                + orjson.dumps("[,]".join(selected))
                + _score(points, maximum)
                + b"}"
            )
            target = self._question(found, str(p["scenario"]), str(p["step"]))
            return self._assemble(digest, badge, "answered", target, result, found.context, stamp)
        if kind == "attempt_completed":
            found = self.attempts.pop(attempt_id, None)
            if found is None:
                return None
            found.tick(_epoch(stamp))
            passed = bool(p["passed"])
            result = (
                b',"result":{"success":'
                + (b"true" if passed else b"false")
                + b',"completion":true,"duration":"'
                + _duration(found.seconds).encode()
                + b'"'
                + _score(cast(int, p["earned"]), cast(int, p["maximum"]))
                + b"}"
            )
            target = self._module(found.content_hash, found.module)
            verb = "passed" if passed else "failed"
            return self._assemble(digest, badge, verb, target, result, found.context, stamp)
        if kind == "policy_acknowledged":
            track = str(p["track"])
            seconds = p.get("time_on_task_seconds")
            duration = (
                b',"duration":"' + _duration(seconds).encode() + b'"'
                if isinstance(seconds, int)
                else b""
            )
            result = b',"result":{"success":true,"completion":true' + duration + b"}"
            key = ("track", track)
            target = self.objects.get(key) or self._define(
                key, f"{self.iris.base}/tracks/{track}", self._track_title(track), COURSE_TYPE
            )
            context = self._context((str(p["content_hash"]), track, ""), str(p["version"]))
            return self._assemble(digest, badge, "completed", target, result, context, stamp)
        return None

    # --- pieces -----------------------------------------------------------------------

    def _assemble(
        self,
        digest: str,
        badge: str,
        verb: str,
        target: bytes,
        result: bytes,
        context: bytes,
        stamp: str,
    ) -> bytes:
        return b"".join(
            (
                b'{"id":"',
                statement_id(digest),
                b'","actor":',
                self._actor(badge),
                b',"verb":',
                self.verbs[verb],
                b',"object":',
                target,
                result,
                b',"context":',
                context,
                b',"timestamp":"',
                stamp.encode(),
                b'","version":"1.0.3"}\n',
            )
        )

    def _actor(self, badge: str) -> bytes:
        found = self.actors.get(badge)
        if found is None:
            actor: dict[str, object] = {
                "objectType": "Agent",
                "account": {"homePage": self.iris.home_page, "name": badge},
            }
            learner = self.learners.get(badge)
            if learner is not None:
                actor["name"] = learner.name
            found = self.actors[badge] = orjson.dumps(actor)
        return found

    def _define(
        self,
        key: tuple[str, ...],
        iri: str,
        name: str | None,
        kind: str,
        extra: dict[str, object] | None = None,
    ) -> bytes:
        """The activity with its definition, for the first statement that names it; the
        ones after name it by id alone (an LRS keeps the definition it was given), which
        halves the size of a department's export."""
        definition: dict[str, object] = {"type": kind}
        if name:
            definition["name"] = {LANGUAGE: name}
        definition.update(extra or {})
        self.objects[key] = orjson.dumps({"objectType": "Activity", "id": iri})
        return orjson.dumps({"objectType": "Activity", "id": iri, "definition": definition})

    def _module(self, content_hash: str, module_id: str) -> bytes:
        key = ("module", content_hash, module_id)
        found = self.objects.get(key)
        if found is not None:
            return found
        module = _module_of(self._bundle(content_hash), module_id)
        return self._define(
            key,
            f"{self.iris.base}/modules/{module_id}",
            module.title if module else None,
            MODULE_TYPE,
        )

    def _question(self, attempt: _Attempt, scenario_id: str, step_id: str) -> bytes:
        key = ("question", attempt.content_hash, scenario_id, step_id)
        found = self.objects.get(key)
        if found is not None:
            return found
        module = _module_of(self._bundle(attempt.content_hash), attempt.module)
        scenario = (
            next((s for s in module.scenarios if s.id == scenario_id), None) if module else None
        )
        step = next((s for s in scenario.steps if s.id == step_id), None) if scenario else None
        extra: dict[str, object] = {"interactionType": "choice"}
        name = None
        if scenario is not None and step is not None:
            name = f"{scenario.title}: {step_id}" if len(scenario.steps) > 1 else scenario.title
            extra["description"] = {LANGUAGE: step.prompt}
            correct = [o.id for o in step_options(step) if o.verdict == "correct"]
            extra["correctResponsesPattern"] = ["[,]".join(correct)]
            extra["choices"] = [
                {"id": o.id, "description": {LANGUAGE: o.text}} for o in step_options(step)
            ]
        return self._define(
            key,
            f"{self.iris.base}/scenarios/{scenario_id}/steps/{step_id}",
            name,
            QUESTION_TYPE,
            extra,
        )

    def _context(self, key: tuple[str, str, str], version: str) -> bytes:
        found = self.contexts.get(key)
        if found is None:
            content_hash, track, module = key
            base = self.iris.base
            track_activity = {"objectType": "Activity", "id": f"{base}/tracks/{track}"}
            course_activity = {"objectType": "Activity", "id": base}
            activities: dict[str, object] = (
                {
                    "parent": [{"objectType": "Activity", "id": f"{base}/modules/{module}"}],
                    "grouping": [track_activity, course_activity],
                }
                if module
                else {"parent": [course_activity]}
            )
            found = self.contexts[key] = orjson.dumps(
                {
                    "revision": version,
                    "platform": "trainer",
                    "language": LANGUAGE,
                    "contextActivities": activities,
                    "extensions": {
                        f"{base}/extensions/course-version": version,
                        f"{base}/extensions/content-hash": content_hash,
                    },
                }
            )
        return found

    def _bundle(self, content_hash: str) -> CourseBundle | None:
        if content_hash not in self.bundles:
            try:
                self.bundles[content_hash] = self.records.version(content_hash)
            except RecordsError:
                self.bundles[content_hash] = None  # statements still go out, without names
        return self.bundles[content_hash]

    def _track_title(self, track: str) -> str | None:
        return next((d.title for t, d in self.course.tracks.items() if t == track), None)


def _module_of(bundle: CourseBundle | None, module_id: str) -> Module | None:
    if bundle is None:
        return None
    return next((m for m in bundle.modules if m.id == module_id), None)


def _score(earned: int, maximum: int) -> bytes:
    """``,"score":{...}``, or nothing for an item worth no points (scaled is undefined)."""
    if maximum <= 0:
        return b""
    scaled = round(earned / maximum, 4)
    return f',"score":{{"scaled":{scaled!r},"raw":{earned},"min":0,"max":{maximum}}}'.encode()


def _duration(seconds: float) -> str:
    """ISO 8601 duration, as xAPI wants it: PT754S, PT0.5S."""
    whole = round(seconds, 2)
    return f"PT{int(whole)}S" if whole == int(whole) else f"PT{whole:g}S"


def statement_id(digest: str) -> bytes:
    """uuid5(NAMESPACE, event hash), as :func:`uuid.uuid5` makes it, at a third of its cost:
    SHA-1 of the namespace and name, with the version and variant bits set."""
    h = hashlib.sha1(_NAMESPACE_BYTES + digest.encode(), usedforsecurity=False).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}".encode()


def _epoch(stamp: str) -> float:
    """A stored time (ISO 8601 UTC) in seconds."""
    return datetime.fromisoformat(stamp).timestamp()


def _registration(attempt_id: str) -> bytes:
    """The attempt as the statement's registration (a UUID): attempt ids are UUIDs; any
    other id (from an import) is mapped to one."""
    try:
        return str(uuid.UUID(hex=attempt_id)).encode()
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, attempt_id)).encode()
