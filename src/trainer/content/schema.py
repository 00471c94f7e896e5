"""JSON Schemas of the course files, for editors (yaml-language-server speaks draft-07)."""

from __future__ import annotations

import json

from pydantic import BaseModel

from trainer.content.models import Course, Module, Policy

SCHEMA_FILES: dict[str, tuple[type[BaseModel], str]] = {
    "course.schema.json": (Course, "course/course.yaml: the course and its tracks"),
    "guidelines.schema.json": (Policy, "course/guidelines.yaml: the policy, section by section"),
    "module.schema.json": (Module, "A module file under scenarios/"),
}


def schema_texts() -> dict[str, str]:
    """File name to schema text, deterministic to the byte."""
    texts: dict[str, str] = {}
    for name, (model, description) in SCHEMA_FILES.items():
        schema = model.model_json_schema()
        schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "description": description,
            **{k: v for k, v in schema.items() if k != "description"},
        }
        texts[name] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts
