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

A department's export is millions of statements, so they are made from the projection
tables (records/exports_read.py: columns, not JSON payloads to parse, each row joined to
its event's hash by ``seq``) and assembled from pre-serialised JSON pieces (the actor of
each learner, the object of each question, the context of each attempt), since most of
each statement repeats. An activity's definition (its name, and a question's prompt,
choices and correct response) goes with the first statement that names it in the export;
later ones name it by id, as an LRS keeps the definition.

An incremental export (``since``, for a weekly sync) holds the statements of the events
recorded at or after a time, with the ids a full export gives them; its first statement
naming an activity defines it again, which an LRS takes as the same definition.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from trainer.content.course import CourseBundle
from trainer.content.models import Course, Module, step_options
from trainer.records.db import RecordsError
from trainer.records.exports_read import ACKNOWLEDGED, ANSWERED, ENDED, OPEN, STARTED, Row, reading
from trainer.records.service import Records
from trainer.reports.stored import payload_of
from trainer.reports.text import stored_time

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = ("attempted", "answered", "passed", "failed", "completed")
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
QUESTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
NAMESPACE = uuid.UUID("5f0b6a2e-3c57-4d1e-9a43-0c1f6d1b8e27")
"""Statement ids are uuid5(NAMESPACE, event hash): fixed forever, or ids would change."""
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


def statements(records: Records, iris: Iris, since: datetime | None = None) -> Iterator[bytes]:
    """Every statement the record holds, as JSON lines in bytes, in the order the events
    happened; with ``since``, those of the events recorded at or after it (a sync to an
    LRS sends only what is new: ids are the same as in a full export)."""
    for lines in _batches(records, iris, since):
        yield from lines


def statement_blocks(
    records: Records, iris: Iris, since: datetime | None = None
) -> Iterator[bytes]:
    """:func:`statements` in blocks of thousands of lines, for a file or a pipe."""
    for lines in _batches(records, iris, since):
        yield b"".join(lines)


def _batches(records: Records, iris: Iris, since: datetime | None) -> Iterator[list[bytes]]:
    with reading(records.log) as read:
        writer = _Writer(records, iris, {badge: r[0] for badge, r in read.learners().items()})
        for rows in read.statements(None if since is None else stored_time(since)):
            yield writer.lines(rows)


@dataclass(slots=True)
class _Attempt:
    """An open attempt: what its statements repeat, assembled once. Its answers and
    completion are its learner's (trainer records them under the attempt's learner)."""

    content_hash: str
    module: str
    questions: dict[tuple[str, str], bytes]
    """The question activities of its course version (shared by all its attempts)."""
    who: bytes
    """From the end of the statement id to the verb: the actor."""
    answered: bytes
    """From the end of the statement id to the object: the actor and verb *answered*."""
    tail: bytes
    """From the object (and result) to the timestamp: the context, with the attempt as
    its registration."""


class _Writer:
    """Turns the export's rows into statement lines, caching the pieces that repeat."""

    def __init__(self, records: Records, iris: Iris, names: dict[str, str]) -> None:
        self.records = records
        self.iris = iris
        self.names = names
        """Each registered learner's name, by badge."""
        self.course = records.bundle.course
        self.verbs = {
            verb: orjson.dumps({"id": ADL + verb, "display": {LANGUAGE: verb}}) + b',"object":'
            for verb in VERBS
        }
        """Each verb, and the key of the object after it."""
        self.actors: dict[str, bytes] = {}
        """Each learner's actor, and the keys around it."""
        self.objects: dict[tuple[str, ...], bytes] = {}
        """Each activity by id alone, once its definition has gone out in a statement."""
        self.questions: dict[str, dict[tuple[str, str], bytes]] = {}
        """The same for questions, by course version, then scenario and step."""
        self.contexts: dict[tuple[str, ...], bytes] = {}
        self.results: dict[tuple[str, str, int, int], bytes] = {}
        self.scores: dict[tuple[int, int], bytes] = {}
        self.attempts: dict[str, _Attempt] = {}
        self.bundles: dict[str, CourseBundle | None] = {}

    def lines(self, rows: Iterable[Row]) -> list[bytes]:
        """The statement of each row that makes one (not an answer or completion of an
        attempt never started or already completed)."""
        attempts, results = self.attempts, self.results
        ident = statement_id
        lines: list[bytes] = []
        add = lines.append
        for row in rows:
            if row[1] == ANSWERED:  # most of an export: kept to lookups and one join
                _, _, stamp, digest, attempt_id, scenario, step, selected, points, top, verdict = (
                    row
                )
                found = attempts.get(attempt_id)
                if found is None:
                    continue
                result = results.get((verdict, selected, points, top))
                if result is None:
                    result = self._result(verdict, selected, points, top)
                target = found.questions.get((scenario, step))
                if target is None:
                    target = self._question(found, scenario, step)
                add(
                    b"".join(
                        (
                            b'{"id":"',
                            ident(digest),
                            found.answered,
                            target,
                            result,
                            found.tail,
                            stamp.encode(),
                            _END,
                        )
                    )
                )
            elif row[1] == STARTED:
                add(self._started(row))
            elif row[1] == ENDED:
                line = self._ended(row)
                if line is not None:
                    add(line)
            elif row[1] == ACKNOWLEDGED:
                add(self._acknowledged(row))
            elif row[1] == OPEN:
                self._open(row)
        return lines

    def _open(self, row: Row) -> _Attempt:
        _, _, _, _, attempt_id, badge, version, content_hash, track, module = row
        context = self._context((content_hash, track, module), version)
        who = self._actor(badge)
        attempt = self.attempts[attempt_id] = _Attempt(
            content_hash,
            module,
            self.questions.setdefault(content_hash, {}),
            who,
            who + self.verbs["answered"],
            b',"context":{"registration":"'
            + _registration(attempt_id)
            + b'",'
            + context[1:]
            + b',"timestamp":"',
        )
        return attempt

    def _started(self, row: Row) -> bytes:
        attempt = self._open(row)
        target = self._module(attempt.content_hash, attempt.module)
        return self._assemble(row[3], attempt.who, "attempted", target, b"", attempt.tail, row[2])

    def _ended(self, row: Row) -> bytes | None:
        _, _, stamp, digest, attempt_id, earned, maximum, passed, seconds = row
        found = self.attempts.pop(attempt_id, None)
        if found is None:
            return None
        result = b"".join(
            (
                b',"result":{"success":true' if passed else b',"result":{"success":false',
                b',"completion":true,"duration":"',
                _duration(seconds).encode(),
                b'"',
                self._score(earned, maximum),
                b"}",
            )
        )
        target = self._module(found.content_hash, found.module)
        verb = "passed" if passed else "failed"
        return self._assemble(digest, found.who, verb, target, result, found.tail, stamp)

    def _acknowledged(self, row: Row) -> bytes:
        seq, _, stamp, digest, badge, track, version, content_hash, payload = row
        # The time on task the learner attested to is the one fact not in the projection.
        seconds = payload_of(seq, payload).get("time_on_task_seconds")
        duration = (
            b',"duration":"' + _duration(seconds).encode() + b'"'
            if isinstance(seconds, int)
            else b""
        )
        result = b',"result":{"success":true,"completion":true' + duration + b"}"
        key = ("track", track)
        target = self.objects.get(key) or self._define(
            self.objects,
            key,
            f"{self.iris.base}/tracks/{track}",
            self._track_title(track),
            COURSE_TYPE,
        )
        context = self._context((content_hash, track, ""), version)
        tail = b',"context":' + context + b',"timestamp":"'
        return self._assemble(digest, self._actor(badge), "completed", target, result, tail, stamp)

    # --- pieces -----------------------------------------------------------------------

    def _assemble(
        self,
        digest: str,
        who: bytes,
        verb: str,
        target: bytes,
        result: bytes,
        tail: bytes,
        stamp: str,
    ) -> bytes:
        return b"".join(
            (
                b'{"id":"',
                statement_id(digest),
                who,
                self.verbs[verb],
                target,
                result,
                tail,
                stamp.encode(),
                _END,
            )
        )

    def _result(self, verdict: str, selected: str, points: int, maximum: int) -> bytes:
        """The result of an answer (cached: a department gives the same few thousand)."""
        choices = orjson.loads(selected)
        found = self.results[(verdict, selected, points, maximum)] = (
            b',"result":{"success":'
            + (b"true" if verdict == "correct" else b"false")
            + b',"response":'
            + orjson.dumps("[,]".join(choices))
            + self._score(points, maximum)
            + b"}"
        )
        return found

    def _score(self, earned: int, maximum: int) -> bytes:
        found = self.scores.get((earned, maximum))
        if found is None:
            found = self.scores[(earned, maximum)] = _score(earned, maximum)
        return found

    def _actor(self, badge: str) -> bytes:
        found = self.actors.get(badge)
        if found is None:
            actor: dict[str, object] = {
                "objectType": "Agent",
                "account": {"homePage": self.iris.home_page, "name": badge},
            }
            name = self.names.get(badge)
            if name is not None:
                actor["name"] = name
            found = self.actors[badge] = b'","actor":' + orjson.dumps(actor) + b',"verb":'
        return found

    def _define(
        self,
        store: dict[Any, bytes],
        key: object,
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
        store[key] = orjson.dumps({"objectType": "Activity", "id": iri})
        return orjson.dumps({"objectType": "Activity", "id": iri, "definition": definition})

    def _module(self, content_hash: str, module_id: str) -> bytes:
        key = ("module", content_hash, module_id)
        found = self.objects.get(key)
        if found is not None:
            return found
        module = _module_of(self._bundle(content_hash), module_id)
        return self._define(
            self.objects,
            key,
            f"{self.iris.base}/modules/{module_id}",
            module.title if module else None,
            MODULE_TYPE,
        )

    def _question(self, attempt: _Attempt, scenario_id: str, step_id: str) -> bytes:
        """The question with its definition (its version's prompt, choices and correct
        response): the caller found no statement before naming it."""
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
            attempt.questions,
            (scenario_id, step_id),
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
    SHA-1 of the namespace and name (the namespace hashed once), with the version and
    variant bits set."""
    sha = _NAMESPACE_SHA1.copy()
    sha.update(digest.encode())
    h = sha.hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}".encode()


_NAMESPACE_SHA1 = hashlib.sha1(NAMESPACE.bytes, usedforsecurity=False)
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
"""The variant digit for each hex digit it replaces: its top two bits set to 10."""
_END = b'","version":"1.0.3"}\n'
_UUID_HEX = re.compile(r"[0-9a-f]{32}")


def _registration(attempt_id: str) -> bytes:
    """The attempt as the statement's registration (a UUID): attempt ids are UUIDs; any
    other id (from an import) is mapped to one."""
    if _UUID_HEX.fullmatch(attempt_id):  # as trainer makes them: uuid4().hex
        h = attempt_id
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}".encode()
    try:
        return str(uuid.UUID(hex=attempt_id)).encode()
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, attempt_id)).encode()
