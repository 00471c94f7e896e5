"""How much do located loading and the cross-file checks cost?

Generates a course of 1,000 scenarios in 40 modules into a temporary folder, then times

* baseline: every file read and parsed with ``yaml.CSafeLoader``, then validated with the
  same pydantic models; no positions kept, no cross-file checks;
* measured: ``trainer.content.course.check_course(root)``, which reads, parses with
  positions, validates, cross-checks and hashes the course.

Both read the files from disk. After one warm-up run of each, baseline and measured runs
are interleaved, so machine noise hits both, and the best (smallest) time of each counts.
It also times ``python -m trainer validate`` on the shipped course as a whole process,
against ``python -c pass`` (process start alone).

    uv run python benchmarks/load_course.py [--repeat N] [--check]

With ``--check`` the script exits 1 when a target is missed: ratio <= 1.5, check_course
under 1 s, ``trainer validate`` of the shipped course under 0.5 s.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from trainer.content.course import check_course
from trainer.content.models import Course, Module, Policy

REPO_ROOT = Path(__file__).resolve().parents[1]
MODULES = 40
SCENARIOS_PER_MODULE = 25
RATIO_TARGET = 1.5
ABSOLUTE_TARGET = 1.0
PROCESS_TARGET = 0.5

# --- the generated course ---------------------------------------------------------------

GROUPS = (
    ("CONF", "confidentiality"),
    ("PROF", "professionalism"),
    ("ACCT", "accountability"),
    ("DEPT", "department accounts and engagement"),
    ("SPCH", "speech on matters of public concern"),
    ("SAFE", "officer safety"),
)
PLATFORMS = ("facebook", "instagram", "x", "tiktok", "nextdoor", "youtube", "department page")
PLACES = (
    "Route 9",
    "Mill Street",
    "the county fair",
    "Harbor Park",
    "the high school",
    "Elm Court",
)
PEOPLE = ("Dana Reyes", "Marcus Hale", "Priya Natarajan", "Tom Becker", "Alma Ortiz", "Lee Chen")


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as ``|`` blocks, the way people write situations, and never
    an alias (course files refuse them)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _str)


def _dump(data: object) -> str:
    return yaml.dump(
        data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def _guidelines() -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for n in range(18):
        prefix, group = GROUPS[n % len(GROUPS)]
        number = n // len(GROUPS) + 1
        found.append(
            {
                "id": f"{prefix}-{number}",
                "group": group,
                "title": f"Rule {number} on {group}",
                "text": textwrap.fill(
                    f"Section {number} of the {group} rules. Members do not post, share or "
                    "forward material that the department owns or that could identify a "
                    "victim, witness or suspect, and they remember that personal accounts, "
                    "closed groups and chats are covered whenever they can be identified as "
                    "members of the department.",
                    88,
                ),
                "source": "IACP model policy; department guidance",
            }
        )
    return found


def _choice(
    cid: str, verdict: str, cites: list[str], points: int | None = None, **extra: object
) -> dict[str, object]:
    choice: dict[str, object] = {
        "id": cid,
        "text": f"Option {cid}: answer the situation the way a careful officer would, or not.",
        "verdict": verdict,
    }
    if points is not None:
        choice["points"] = points
    choice["cites"] = cites
    choice["feedback"] = (
        f"Choice {cid} is {verdict}. The policy sections {', '.join(cites)} say why: "
        "the department, not the officer, decides what is released and where."
    )
    choice.update(extra)
    return choice


def _post(platform: str, author: str, text: str, n: int) -> dict[str, object]:
    return {
        "platform": platform,
        "author": author,
        "handle": "@" + author.lower().replace(" ", "."),
        "time": f"{n % 23 + 1}h",
        "text": text,
        "image": "A photo taken at the scene, with a marked car in the background.",
        "reactions": {"likes": n * 7 % 300, "comments": n % 40, "shares": n % 9},
    }


def _scenario(sid: str, n: int, cites: list[str]) -> dict[str, object]:
    place, person = PLACES[n % len(PLACES)], PEOPLE[n % len(PEOPLE)]
    scenario: dict[str, object] = {
        "id": sid,
        "title": f"What happened at {place}",
        "guidelines": cites,
        "situation": (
            f"You were called to {place} late on a Saturday. {person} was there too,\n"
            "filming on a phone, and asked you for a comment on the way out.\n"
            f"This morning a friend texts: 'Saw you at {place}! What happened?'\n"
        ),
    }
    shape = n % 4
    if shape == 0:  # branching single-answer steps
        scenario["steps"] = [
            {
                "id": "decide",
                "type": "single",
                "prompt": "What do you do first?",
                "choices": [
                    _choice("a", "incorrect", cites, next="fallout"),
                    _choice("b", "partly", [cites[0]], points=1, next="fallout"),
                    _choice("c", "correct", cites, points=2, next="end"),
                ],
            },
            {
                "id": "fallout",
                "type": "single",
                "situation": "By noon the post is circulating and the department gets a call.\n"
                "A relative wants to know who shared it.\n",
                "prompt": "What is the right thing to do now?",
                "choices": [
                    _choice("a", "incorrect", [cites[1]]),
                    _choice("b", "correct", cites),
                ],
            },
        ]
        return scenario
    parts = [
        f"Proud to serve at {place}!",
        f"As an officer I can tell you {person} was not at fault.",
        "Use code COPS50 for half off.",
        "Stay safe out there.",
    ]
    scenario["post"] = _post(PLATFORMS[n % len(PLATFORMS)], person, " ".join(parts), n)
    flag = {
        "id": "mark",
        "type": "flag",
        "prompt": "Mark every part of the draft that breaks the policy.",
        "segments": [
            {**_choice(f"s{i}", "correct" if i in (1, 2) else "incorrect", cites), "text": part}
            for i, part in enumerate(parts)
        ],
    }
    multi = {
        "id": "respond",
        "type": "multi",
        "prompt": "Which of these are appropriate? Select all that apply.",
        "choices": [
            _choice("a", "correct", cites),
            _choice("b", "incorrect", [cites[0]], points=-1),
            _choice("c", "correct", [cites[1]]),
            _choice("d", "incorrect", cites, points=-1),
        ],
    }
    single = {
        "id": "choose",
        "type": "single",
        "prompt": "And then?",
        "choices": [_choice("a", "correct", cites), _choice("b", "incorrect", cites)],
    }
    scenario["steps"] = [[flag, multi], [multi, single], [single, flag]][shape - 1]
    return scenario


def generate(root: Path) -> tuple[int, int]:
    """Write the course under ``root``; returns (files, bytes)."""
    guidelines = _guidelines()
    ids = [str(g["id"]) for g in guidelines]
    tracks: dict[str, list[str]] = {"onboarding": [], "refresher": []}
    texts: dict[str, str] = {}
    n = 0
    for m in range(MODULES):
        track = "onboarding" if m % 2 == 0 else "refresher"
        module_id = f"{track}-{m + 1:02d}"
        tracks[track].append(module_id)
        scenarios = []
        for s in range(SCENARIOS_PER_MODULE):
            cites = [ids[n % len(ids)], ids[(n * 7 + 3) % len(ids)]]
            if cites[0] == cites[1]:
                cites[1] = ids[(n + 1) % len(ids)]
            scenarios.append(_scenario(f"m{m + 1:02d}-s{s + 1:02d}", n, cites))
            n += 1
        module: dict[str, object] = {
            "id": module_id,
            "title": f"Module {m + 1}: judgment calls on and off duty",
            "description": "Scene photos, critics, and what your uniform says for you.",
            "estimated_minutes": 30,
            "scoring": "partial" if m % 3 else "all-or-nothing",
            "ask_certainty": m % 5 == 0,
        }
        if m % 4 == 0:
            first = scenarios[0]["guidelines"]
            assert isinstance(first, list)
            module["pool"] = {"draw": 10, "cover": first}
        module["scenarios"] = scenarios
        texts[f"scenarios/{track}/{module_id}.yaml"] = _dump(module)
    course = {
        "id": "benchmark-course",
        "title": "A large generated course",
        "version": "1.0.0",
        "agency": {"name": "Riverton Police Department", "short_name": "RPD"},
        "provider": {"name": "Riverton Police Academy", "number": "TP-0417"},
        "delivery_method": "online, self-paced",
        "attestation": "I have read and understood the policy.\nIt covers my own accounts.\n",
        "tracks": {
            track: {
                "title": track.title(),
                "modules": modules,
                "pass_mark": 80,
                "credit_hours": 2,
            }
            for track, modules in tracks.items()
        },
    }
    texts["course/course.yaml"] = _dump(course)
    texts["course/guidelines.yaml"] = _dump({"title": "Policy", "guidelines": guidelines})
    for label, text in texts.items():
        path = root / label
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(texts), sum(len(t.encode()) for t in texts.values())


# --- the two loaders --------------------------------------------------------------------


def baseline(root: Path) -> int:
    """Plain CSafeLoader and the same models: no positions, no cross-file checks."""

    def load(path: Path) -> object:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # noqa: TID251

    Course.model_validate(load(root / "course/course.yaml"))
    Policy.model_validate(load(root / "course/guidelines.yaml"))
    files = sorted((root / "scenarios").rglob("*.yaml"))
    return len([Module.model_validate(load(path)) for path in files])


def measured(root: Path) -> int:
    result = check_course(root)
    assert result.bundle is not None
    return len(result.bundle.modules)


def best_of(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The best time of each run; the runs are interleaved after one warm-up each."""
    for run in runs.values():
        run()
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def _process(argv: list[str]) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        root = Path(tmp)
        files, size = generate(root)
        result = check_course(root)
        errors = [d.format() for d in result.errors]
        assert not errors, "the generated course has errors:\n" + "\n".join(errors[:20])
        assert result.bundle is not None
        scenarios = sum(len(m.scenarios) for m in result.bundle.modules)
        steps = sum(len(s.steps) for m in result.bundle.modules for s in m.scenarios)
        assert len(result.bundle.modules) == MODULES
        assert scenarios == MODULES * SCENARIOS_PER_MODULE
        print(
            f"generated: {files} files, {size / 1024:.0f} KiB, {MODULES} modules, "
            f"{scenarios} scenarios, {steps} steps; "
            f"{len(result.errors)} errors, {len(result.warnings)} warnings"
        )
        times = best_of(
            {"baseline": lambda: baseline(root), "measured": lambda: measured(root)}, args.repeat
        )

    base, meas = times["baseline"], times["measured"]
    ratio = meas / base
    print(f"baseline (CSafeLoader + pydantic):      {base:.3f} s")
    print(f"trainer.content.course.check_course:    {meas:.3f} s")
    print(f"ratio: {ratio:.2f}")

    procs = best_of(
        {
            "validate": _process([sys.executable, "-m", "trainer", "validate", str(REPO_ROOT)]),
            "start": _process([sys.executable, "-c", "pass"]),
        },
        args.repeat,
    )
    validate, start = procs["validate"], procs["start"]
    print(f"trainer validate (shipped course):      {validate:.3f} s")
    print(f"python -c pass (process start):         {start:.3f} s")
    print(f"difference:                             {validate - start:.3f} s")

    missed = [
        what
        for what, ok in (
            (f"ratio {ratio:.2f} > {RATIO_TARGET}", ratio <= RATIO_TARGET),
            (f"check_course {meas:.3f} s >= {ABSOLUTE_TARGET} s", meas < ABSOLUTE_TARGET),
            (f"trainer validate {validate:.3f} s >= {PROCESS_TARGET} s", validate < PROCESS_TARGET),
        )
        if not ok
    ]
    print("targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
