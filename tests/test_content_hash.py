"""The content hash names the course's meaning, not its layout."""

from __future__ import annotations

from pathlib import Path

import yaml

from trainer.content.course import load_course


def _rewrite_module(root: Path, change: str) -> None:
    path = root / "scenarios/onboarding/first-posts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if change == "reorder":
        # Reverse the key order of every mapping, drop the comments, use flow style.
        def flip(value: object) -> object:
            if isinstance(value, dict):
                return {k: flip(v) for k, v in reversed(list(value.items()))}
            if isinstance(value, list):
                return [flip(v) for v in value]
            return value

        path.write_text(
            yaml.safe_dump(flip(data), sort_keys=False, default_flow_style=True, width=60),
            encoding="utf-8",
        )
    elif change == "feedback":
        data["scenarios"][0]["steps"][0]["choices"][0]["feedback"] += " Really."
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_hash_ignores_key_order_comments_and_layout(course_copy: Path) -> None:
    before = load_course(course_copy).content_hash
    _rewrite_module(course_copy, "reorder")
    assert load_course(course_copy).content_hash == before


def test_hash_ignores_trailing_whitespace_and_block_style(course_copy: Path) -> None:
    guidelines = course_copy / "course/guidelines.yaml"
    before = load_course(course_copy).content_hash
    text = guidelines.read_text(encoding="utf-8").replace("text: >-", "text: >")
    guidelines.write_text("\n\n# moved around\n" + text + "\n\n", encoding="utf-8")
    assert load_course(course_copy).content_hash == before


def test_hash_changes_when_wording_changes(course_copy: Path) -> None:
    before = load_course(course_copy).content_hash
    _rewrite_module(course_copy, "feedback")
    after = load_course(course_copy).content_hash
    assert after != before
    assert len(after) == 64
    assert int(after, 16) >= 0


def test_hash_changes_when_a_policy_section_changes(course_copy: Path) -> None:
    guidelines = course_copy / "course/guidelines.yaml"
    before = load_course(course_copy).content_hash
    text = guidelines.read_text(encoding="utf-8")
    guidelines.write_text(
        text.replace("belong to\n      the department", "belong to\n      the agency"),
        encoding="utf-8",
    )
    assert load_course(course_copy).content_hash != before
