"""``trainer new module``: a commented module file that validates, added to its track."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from trainer.content.course import COURSE_FILE, SCENARIOS_DIR, check_course
from trainer.content.models import TrackId
from trainer.content.yamlsource import parse_yaml

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class SkeletonError(Exception):
    """The module cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class NewModule:
    path: Path
    label: str


def module_skeleton(module_id: str, guideline_id: str) -> str:
    """The text of a new module file citing ``guideline_id``."""
    return f"""\
# yaml-language-server: $schema=../../schema/module.schema.json
# A module: one file, one id, a list of scenarios. Check it with: trainer validate
id: {module_id}
title: {module_id.replace("-", " ").capitalize()}        # shown on the learner's home screen
description: One sentence on what this module teaches.
estimated_minutes: 10           # a guide for learners; records keep the time actually spent
# scoring: partial              # or all-or-nothing, for multi and flag steps
# ask_certainty: false          # true asks "how sure are you?" after each answer
# pool: {{draw: 3, cover: [{guideline_id}]}}  # draw 3 per attempt, one per listed guideline

scenarios:
  - id: {module_id}-example       # unique across the whole course
    title: An example dilemma
    guidelines: [{guideline_id}]        # the policy sections this scenario tests
    situation: |
      Tell the story in two or three sentences: where the officer is, what happened,
      and what they are tempted to post.
    # post:                     # a mock post, drawn like the platform's own
    #   platform: facebook      # facebook, instagram, x, tiktok, nextdoor, youtube,
    #                           # department page or group chat
    #   author: Officer Sam Lee
    #   handle: "@samlee"
    #   time: 2h
    #   text: The words of the post. A flag step marks parts of this text.
    #   image: What the attached photo shows.
    #   reactions: {{likes: 12, comments: 3}}
    steps:
      - id: decide
        type: single            # single: one best answer; multi: all that apply;
                                # flag: mark the parts of the post that break the policy
        prompt: What do you do?
        choices:
          - id: a
            text: The right thing to do.
            verdict: correct    # correct, partly or incorrect
            points: 1           # a correct choice is worth 1 unless you say otherwise
            cites: [{guideline_id}]
            feedback: Why this is right, in the policy's terms.
            # next: another-step   # branching: where this choice leads ('end' to finish)
          - id: b
            text: A tempting mistake.
            verdict: incorrect
            cites: [{guideline_id}]
            feedback: Why this is wrong, and what the policy says instead.
"""


def create_module(root: Path, module_id: str, track: TrackId) -> NewModule:
    """Write the skeleton under scenarios/TRACK/ and list it in the track in course.yaml."""
    if not _SLUG.match(module_id):
        raise SkeletonError(
            f"'{module_id}' is not a valid module id: use lower-case letters, digits and "
            "dashes, like off-duty-posts"
        )
    result = check_course(root)
    if result.bundle is None:
        raise SkeletonError(
            f"the course has {len(result.errors)} error(s); run 'trainer validate' and fix "
            "them before adding a module"
        )
    bundle = result.bundle
    if any(m.id == module_id for m in bundle.modules):
        raise SkeletonError(
            f"module '{module_id}' already exists in {bundle.module_files[module_id]}"
        )
    if track not in dict(bundle.course.tracks.items()):
        raise SkeletonError(f"the course has no '{track}' track in {COURSE_FILE}")
    label = f"{SCENARIOS_DIR}/{track}/{module_id}.yaml"
    path = root / label
    if path.exists():
        raise SkeletonError(f"{label} already exists")
    course_path = root / COURSE_FILE
    updated = _with_module_listed(course_path.read_text(encoding="utf-8"), track, module_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(module_skeleton(module_id, bundle.policy.guidelines[0].id), encoding="utf-8")
    course_path.write_text(updated, encoding="utf-8")
    return NewModule(path, label)


def _with_module_listed(text: str, track: str, module_id: str) -> str:
    """course.yaml's text with ``module_id`` appended to the track's module list, keeping
    every comment and the author's layout."""
    doc = parse_yaml(text.encode(), COURSE_FILE)
    node = doc.root
    for part in ("tracks", track, "modules"):
        assert isinstance(node, yaml.MappingNode)
        node = next(v for k, v in node.value if k.value == part)
    assert isinstance(node, yaml.SequenceNode)
    assert node.value
    last = node.value[-1]
    if node.flow_style:
        close = text.rindex("]", 0, node.end_mark.index)
        return text[:close] + f", {module_id}" + text[close:]
    first_line_start = text.rfind("\n", 0, node.value[0].start_mark.index) + 1
    indent = text[first_line_start : node.value[0].start_mark.index]
    indent = indent[: len(indent) - len(indent.lstrip(" "))]
    end = text.find("\n", last.end_mark.index)
    end = len(text) if end < 0 else end
    return text[:end] + f"\n{indent}- {module_id}" + text[end:]
