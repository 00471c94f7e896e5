"""The requirements xAPI 1.0.3 (Part Two, "Experience API Data") puts on a statement,
checked one by one, so that a learning record store would take it: the properties a
statement may have, the ones it must, and the form of each value.

Written from the specification, not from trainer's writer: section numbers in comments.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")  # absolute, with a scheme; no spaces
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # RFC 5646, simplified
DURATION = re.compile(r"^P(?=.)(\d+Y)?(\d+M)?(\d+D)?(T(?=.)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
    "authority", "version", "attachments",
}  # fmt: skip
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other",
}  # fmt: skip


class Invalid(AssertionError):
    pass


def need(condition: bool, message: str) -> None:
    if not condition:
        raise Invalid(message)


def language_map(value: Any, where: str) -> None:
    """4.1.11 Language Map: keys are RFC 5646 tags, values strings."""
    need(isinstance(value, dict) and value, f"{where} is not a language map")
    for key, text in value.items():
        need(bool(LANGUAGE_TAG.match(key)), f"{where}: {key!r} is not a language tag")
        need(isinstance(text, str), f"{where}[{key!r}] is not a string")


def iri(value: Any, where: str) -> None:
    need(isinstance(value, str) and bool(IRI.match(value)), f"{where} is not an IRI: {value!r}")


def check_statement(s: Any) -> None:
    """Raises Invalid with the first requirement the statement breaks."""
    need(isinstance(s, dict), "a statement is a JSON object")
    need(set(s) <= STATEMENT_KEYS, f"unknown properties {set(s) - STATEMENT_KEYS}")
    for required in ("actor", "verb", "object"):  # 2.4 Statement Properties
        need(required in s, f"no {required}")
    # 2.4.1 id: a UUID (RFC 4122), lower case variant 1
    need(isinstance(s.get("id"), str) and bool(UUID.match(s["id"])), f"id {s.get('id')!r}")
    check_actor(s["actor"])
    check_verb(s["verb"])
    check_activity(s["object"], "object")
    if "result" in s:
        check_result(s["result"])
    if "context" in s:
        check_context(s["context"])
    # 2.4.7 timestamp: ISO 8601 with a time zone
    stamp = s.get("timestamp")
    need(isinstance(stamp, str), "timestamp missing")
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    need(parsed.tzinfo is not None, "timestamp has no time zone")
    # 2.4.10 version: 1.0.x
    need(isinstance(s.get("version"), str) and s["version"].startswith("1.0."), "version")


def check_actor(actor: Any) -> None:
    """2.4.2 Actor as an Agent: exactly one inverse functional identifier; here an
    account (2.4.2.4) with a homePage IRL and a name."""
    need(isinstance(actor, dict), "actor is not an object")
    need(actor.get("objectType", "Agent") == "Agent", "actor objectType")
    identifiers = {"mbox", "mbox_sha1sum", "openid", "account"} & set(actor)
    need(identifiers == {"account"}, f"actor identifiers {identifiers}")
    account = actor["account"]
    need(set(account) == {"homePage", "name"}, f"account properties {set(account)}")
    need(bool(re.match(r"^https?://[^\s/]+", account["homePage"])), "homePage is not an IRL")
    need(isinstance(account["name"], str) and account["name"], "account name")
    if "name" in actor:
        need(isinstance(actor["name"], str), "actor name")


def check_verb(verb: Any) -> None:
    """2.4.3 Verb: an id IRI, and display a language map."""
    need(isinstance(verb, dict) and set(verb) <= {"id", "display"}, "verb properties")
    iri(verb.get("id"), "verb id")
    if "display" in verb:
        language_map(verb["display"], "verb display")


def check_activity(activity: Any, where: str) -> None:
    """2.4.4.1 Activity: objectType Activity, an id IRI, an optional definition."""
    need(isinstance(activity, dict), f"{where} is not an object")
    need(activity.get("objectType", "Activity") == "Activity", f"{where} objectType")
    need(set(activity) <= {"objectType", "id", "definition"}, f"{where} properties")
    iri(activity.get("id"), f"{where} id")
    definition = activity.get("definition")
    if definition is None:
        return
    allowed = {
        "name", "description", "type", "moreInfo", "extensions", "interactionType",
        "correctResponsesPattern", "choices", "scale", "source", "target", "steps",
    }  # fmt: skip
    need(set(definition) <= allowed, f"{where} definition properties {set(definition)}")
    for key in ("name", "description"):
        if key in definition:
            language_map(definition[key], f"{where} definition {key}")
    if "type" in definition:
        iri(definition["type"], f"{where} definition type")
    if "interactionType" in definition:
        need(definition["interactionType"] in INTERACTION_TYPES, "interactionType")
        pattern = definition.get("correctResponsesPattern", [])
        need(
            isinstance(pattern, list) and all(isinstance(p, str) for p in pattern),
            "correctResponsesPattern",
        )
        for choice in definition.get("choices", []):
            need(set(choice) <= {"id", "description"} and isinstance(choice["id"], str), "choice")
            language_map(choice["description"], "choice description")


def check_result(result: Any) -> None:
    """2.4.5 Result: score (scaled in -1..1, raw within min..max), success and completion
    booleans, response a string, duration ISO 8601."""
    allowed = {"score", "success", "completion", "response", "duration", "extensions"}
    need(isinstance(result, dict) and set(result) <= allowed, "result properties")
    if "score" in result:
        score = result["score"]
        need(set(score) <= {"scaled", "raw", "min", "max"}, "score properties")
        if "scaled" in score:
            need(-1 <= score["scaled"] <= 1, f"scaled {score['scaled']}")
        if "min" in score and "max" in score:
            need(score["min"] < score["max"], "score min is not below max")
        if "raw" in score:
            need(
                score.get("min", score["raw"]) <= score["raw"] <= score.get("max", score["raw"]),
                "raw",
            )
    for key in ("success", "completion"):
        if key in result:
            need(isinstance(result[key], bool), f"result {key}")
    if "response" in result:
        need(isinstance(result["response"], str), "response")
    if "duration" in result:
        need(bool(DURATION.match(result["duration"])), f"duration {result['duration']!r}")


def check_context(context: Any) -> None:
    """2.4.6 Context: registration a UUID, contextActivities lists of activities,
    revision/platform strings, language a tag, extensions keyed by IRIs."""
    allowed = {
        "registration", "instructor", "team", "contextActivities", "revision",
        "platform", "language", "statement", "extensions",
    }  # fmt: skip
    need(isinstance(context, dict) and set(context) <= allowed, "context properties")
    if "registration" in context:
        need(bool(UUID.match(context["registration"])), "registration")
    for key in ("revision", "platform"):
        if key in context:
            need(isinstance(context[key], str), key)
    if "language" in context:
        need(bool(LANGUAGE_TAG.match(context["language"])), "context language")
    activities = context.get("contextActivities", {})
    need(set(activities) <= {"parent", "grouping", "category", "other"}, "contextActivities")
    for key, found in activities.items():
        for activity in found if isinstance(found, list) else [found]:
            check_activity(activity, f"context {key}")
    for key in context.get("extensions", {}):
        iri(key, "extension key")
