"""Checks across the files of a course, run on models that each passed validation."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from trainer.content.diagnostics import Diagnostic, did_you_mean
from trainer.content.models import (
    END,
    Course,
    FlagStep,
    Module,
    Option,
    Policy,
    Scenario,
    SingleStep,
    step_options,
)
from trainer.content.paths import best_points, find_cycle, reachable
from trainer.content.yamlsource import PathPart, YamlDocument


@dataclass(frozen=True)
class ModuleSource:
    """A validated module and the file it came from."""

    doc: YamlDocument
    module: Module


def cross_check(
    course_doc: YamlDocument,
    course: Course,
    policy_doc: YamlDocument,
    policy: Policy,
    modules: Sequence[ModuleSource],
    unchecked: frozenset[str] = frozenset(),
) -> list[Diagnostic]:
    """Every cross-file error and warning of a course. ``unchecked`` holds the ids of module
    files that failed validation (``*`` when one had no readable id): a track naming them
    is not reported, as their own errors already are."""
    found: list[Diagnostic] = []
    known = _check_guidelines(policy_doc, policy, found)
    _check_modules(modules, known, found)
    _check_tracks(course_doc, course, modules, unchecked, found)
    _check_coverage(course, policy_doc, policy, modules, found)
    return found


def _check_guidelines(doc: YamlDocument, policy: Policy, found: list[Diagnostic]) -> list[str]:
    first: dict[str, int] = {}
    for i, guideline in enumerate(policy.guidelines):
        if guideline.id in first:
            line = doc.position(("guidelines", first[guideline.id], "id"))[0]
            found.append(
                doc.error(
                    ("guidelines", i, "id"),
                    "duplicate-id",
                    f"guideline id '{guideline.id}' is already used at line {line}",
                )
            )
        else:
            first[guideline.id] = i
    return list(first)


def _check_modules(
    modules: Sequence[ModuleSource], known: list[str], found: list[Diagnostic]
) -> None:
    known_set = set(known)
    module_at: dict[str, ModuleSource] = {}
    scenario_at: dict[str, tuple[ModuleSource, int]] = {}
    for source in modules:
        doc, module = source.doc, source.module
        if module.id in module_at:
            first = module_at[module.id].doc
            found.append(
                doc.error(
                    ("id",),
                    "duplicate-id",
                    f"module id '{module.id}' is already used at {_place(doc, first, ('id',))}",
                )
            )
        else:
            module_at[module.id] = source
        for si, scenario in enumerate(module.scenarios):
            here: tuple[PathPart, ...] = ("scenarios", si)
            if scenario.id in scenario_at:
                other, oi = scenario_at[scenario.id]
                found.append(
                    doc.error(
                        (*here, "id"),
                        "duplicate-id",
                        f"scenario id '{scenario.id}' is already used at "
                        f"{_place(doc, other.doc, ('scenarios', oi, 'id'))}",
                    )
                )
            else:
                scenario_at[scenario.id] = (source, si)
            for gi, gid in enumerate(scenario.guidelines):
                if gid not in known_set:
                    found.append(
                        doc.error(
                            (*here, "guidelines", gi),
                            "unknown-guideline",
                            f"scenario '{scenario.id}' lists unknown guideline '{gid}'"
                            f"{did_you_mean(gid, known)}",
                        )
                    )
            _check_scenario(doc, here, scenario, known, found)
        _check_pool(doc, module, known, found)


def _place(here: YamlDocument, there: YamlDocument, path: tuple[PathPart, ...]) -> str:
    """Where ``path`` is in ``there``, as seen from a message about ``here``: the line alone
    in the same file, else file:line."""
    line = there.position(path)[0]
    return f"line {line}" if there.file == here.file else f"{there.file}:{line}"


def _and_list(items: Sequence[str]) -> str:
    """``'a', 'b' and 'c'``."""
    shown = [f"'{i}'" for i in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _check_scenario(
    doc: YamlDocument,
    here: tuple[PathPart, ...],
    scenario: Scenario,
    known: list[str],
    found: list[Diagnostic],
) -> None:
    step_ids = [s.id for s in scenario.steps]
    seen_steps: dict[str, int] = {}
    # The step graph is only worth checking once every step id names one step and every
    # 'next' names a step: otherwise loops and unreachable steps are echoes of that error.
    ids_clear = END not in step_ids and len(set(step_ids)) == len(step_ids)
    targets_clear = True
    for ti, step in enumerate(scenario.steps):
        at: tuple[PathPart, ...] = (*here, "steps", ti)
        if step.id == END:
            found.append(
                doc.error(
                    (*at, "id"),
                    "invalid-value",
                    "'end' cannot be a step id: 'next: end' ends the scenario",
                )
            )
        if step.id in seen_steps:
            found.append(
                doc.error(
                    (*at, "id"),
                    "duplicate-id",
                    f"step id '{step.id}' is used twice in scenario '{scenario.id}' "
                    f"(first at {_place(doc, doc, (*here, 'steps', seen_steps[step.id], 'id'))})",
                )
            )
        seen_steps.setdefault(step.id, ti)
        list_key = "segments" if isinstance(step, FlagStep) else "choices"
        options = step_options(step)
        _check_options(doc, at, list_key, step.type, options, known, found)
        correct = [o.id for o in options if o.verdict == "correct"]
        if not correct:
            found.append(
                doc.error(
                    (*at, "id"),
                    "no-correct-answer",
                    f"step '{step.id}' has no correct answer: mark at least one "
                    f"{'segment' if list_key == 'segments' else 'choice'} "
                    "'verdict: correct'",
                )
            )
        elif isinstance(step, SingleStep) and len(correct) > 1:
            found.append(
                doc.error(
                    (*at, "id"),
                    "several-correct",
                    f"single-answer step '{step.id}' has {len(correct)} correct choices "
                    f"({_and_list(correct)}): keep one, or make it 'type: multi'",
                )
            )
        if isinstance(step, SingleStep):
            for ci, choice in enumerate(step.choices):
                if choice.next is not None and choice.next != END and choice.next not in step_ids:
                    targets_clear = False
                    found.append(
                        doc.error(
                            (*at, "choices", ci, "next"),
                            "unknown-step",
                            f"choice '{choice.id}' leads to step '{choice.next}', which "
                            f"scenario '{scenario.id}' does not have"
                            f"{_step_hint(choice.next, step_ids)}",
                        )
                    )
        elif step.next is not None and step.next != END and step.next not in step_ids:
            targets_clear = False
            found.append(
                doc.error(
                    (*at, "next"),
                    "unknown-step",
                    f"step '{step.id}' leads to step '{step.next}', which scenario "
                    f"'{scenario.id}' does not have{_step_hint(step.next, step_ids)}",
                )
            )
        if isinstance(step, FlagStep):
            _check_segments(doc, at, scenario, step, found)

    cycle = find_cycle(scenario) if ids_clear else None
    if cycle is not None:
        loop, edge = cycle
        names = " → ".join(scenario.steps[i].id for i in [*loop, loop[0]])
        where: tuple[PathPart, ...] = (*here, "steps", edge.source)
        where = (
            (*where, "choices", edge.choice, "next")
            if edge.choice is not None
            else (*where, "next")
        )
        found.append(
            doc.error(
                where,
                "branch-cycle",
                f"steps loop back ({names}): a scenario must always reach its end",
            )
        )
    reached = reachable(scenario) if ids_clear and targets_clear else set(range(len(step_ids)))
    for ti, step in enumerate(scenario.steps):
        if ti not in reached:
            found.append(
                doc.error(
                    (*here, "steps", ti, "id"),
                    "unreachable-step",
                    f"step '{step.id}' can never be reached: no choice or step leads to it",
                )
            )
    cited = {g for o in (o for s in scenario.steps for o in step_options(s)) for g in o.cites}
    for gi, gid in enumerate(scenario.guidelines):
        if gid not in cited and gid in known:
            found.append(
                doc.warning(
                    (*here, "guidelines", gi),
                    "guideline-not-cited",
                    f"scenario '{scenario.id}' lists guideline '{gid}', but none of "
                    "its choices cites it",
                )
            )


def _step_hint(target: str, step_ids: Sequence[str]) -> str:
    """The step id meant, when one is close; else the ids there are."""
    options = [*dict.fromkeys(step_ids), END]
    return did_you_mean(target, options) or (
        f": its steps are {_and_list(options[:-1])}, and 'end' ends it"
    )


def _check_options(
    doc: YamlDocument,
    at: tuple[PathPart, ...],
    list_key: str,
    step_type: str,
    options: Sequence[Option],
    known: list[str],
    found: list[Diagnostic],
) -> None:
    known_set = set(known)
    noun = "segment" if list_key == "segments" else "choice"
    seen: set[str] = set()
    best_correct = max((o.points for o in options if o.verdict == "correct"), default=0)
    for ci, option in enumerate(options):
        here: tuple[PathPart, ...] = (*at, list_key, ci)
        if option.id in seen:
            found.append(
                doc.error(
                    (*here, "id"),
                    "duplicate-id",
                    f"{noun} id '{option.id}' is used twice in this step",
                )
            )
        seen.add(option.id)
        for gi, gid in enumerate(option.cites):
            if gid not in known_set:
                found.append(
                    doc.error(
                        (*here, "cites", gi),
                        "unknown-guideline",
                        f"{noun} '{option.id}' cites unknown guideline '{gid}'"
                        f"{did_you_mean(gid, known)}",
                    )
                )
        if not (option.feedback or "").strip():
            found.append(
                doc.error(
                    (*here, "id"),
                    "missing-feedback",
                    f"{noun} '{option.id}' has no feedback: tell the learner why "
                    "it is right or wrong",
                )
            )
        if option.verdict == "correct" and option.points <= 0:
            found.append(
                doc.error(
                    (*here, "points"),
                    "invalid-points",
                    f"correct {noun} '{option.id}' earns no points: give it 1 or more",
                )
            )
        elif option.verdict == "partly" and option.points <= 0:
            found.append(
                doc.error(
                    (*here, "points"),
                    "invalid-points",
                    f"partly right {noun} '{option.id}' must earn more than 0 points",
                )
            )
        elif option.verdict == "partly" and step_type == "single" and option.points >= best_correct:
            found.append(
                doc.error(
                    (*here, "points"),
                    "invalid-points",
                    f"partly right choice '{option.id}' earns {option.points} "
                    f"point{'s' if option.points != 1 else ''}, not fewer than the correct "
                    f"choice's {best_correct}: give it fewer",
                )
            )
        elif option.verdict == "incorrect" and option.points > 0:
            found.append(
                doc.error(
                    (*here, "points"),
                    "invalid-points",
                    f"incorrect {noun} '{option.id}' cannot earn points; a negative "
                    "number is a penalty",
                )
            )
        elif option.verdict == "incorrect" and option.points < 0 and step_type == "single":
            found.append(
                doc.error(
                    (*here, "points"),
                    "invalid-points",
                    f"choice '{option.id}': penalties (negative points) apply only to "
                    "multi and flag steps",
                )
            )


def _check_segments(
    doc: YamlDocument,
    at: tuple[PathPart, ...],
    scenario: Scenario,
    step: FlagStep,
    found: list[Diagnostic],
) -> None:
    if scenario.post is None or not scenario.post.text:
        found.append(
            doc.error(
                (*at, "type"),
                "flag-without-post",
                f"flag step '{step.id}' needs a post with text in scenario "
                f"'{scenario.id}': the segments are marked in it",
            )
        )
        return
    text = scenario.post.text
    folded = " ".join(text.split()).casefold()
    for ci, segment in enumerate(step.segments):
        if segment.text in text:
            continue
        near = " ".join(segment.text.split()).casefold() in folded
        found.append(
            doc.error(
                (*at, "segments", ci, "text"),
                "segment-not-in-post",
                f"segment '{segment.id}' does not occur in the post text"
                + (
                    " (it differs in capitals or spacing)"
                    if near
                    else ": copy it exactly from the post"
                ),
            )
        )


def _check_pool(
    doc: YamlDocument, module: Module, known: list[str], found: list[Diagnostic]
) -> None:
    pool = module.pool
    if pool is None:
        return
    count = len(module.scenarios)
    if pool.draw > count:
        found.append(
            doc.error(
                ("pool", "draw"),
                "pool-too-large",
                f"pool draws {pool.draw} scenarios, but module '{module.id}' has only {count}",
            )
        )
    if len(pool.cover) > pool.draw:
        found.append(
            doc.error(
                ("pool", "cover"),
                "pool-too-small",
                f"pool must cover {len(pool.cover)} guidelines with one scenario each, "
                f"but draws only {pool.draw}",
            )
        )
    tested = {g for s in module.scenarios for g in s.guidelines}
    for gi, gid in enumerate(pool.cover):
        if gid not in known:
            found.append(
                doc.error(
                    ("pool", "cover", gi),
                    "unknown-guideline",
                    f"pool covers unknown guideline '{gid}'{did_you_mean(gid, known)}",
                )
            )
        elif gid not in tested:
            found.append(
                doc.error(
                    ("pool", "cover", gi),
                    "pool-uncoverable",
                    f"pool must cover guideline '{gid}', but no scenario of module "
                    f"'{module.id}' tests it",
                )
            )


def _check_tracks(
    doc: YamlDocument,
    course: Course,
    modules: Sequence[ModuleSource],
    unchecked: frozenset[str],
    found: list[Diagnostic],
) -> None:
    by_id = {m.module.id: m.module for m in modules}
    placed: set[str] = set()
    for track_id, track in course.tracks.items():
        at: tuple[PathPart, ...] = ("tracks", track_id)
        seen: set[str] = set()
        for mi, module_id in enumerate(track.modules):
            if module_id in seen:
                found.append(
                    doc.error(
                        (*at, "modules", mi),
                        "duplicate-id",
                        f"track '{track_id}' lists module '{module_id}' twice",
                    )
                )
            seen.add(module_id)
            module = by_id.get(module_id)
            if module is None and (module_id in unchecked or "*" in unchecked):
                continue
            if module is None:
                found.append(
                    doc.error(
                        (*at, "modules", mi),
                        "unknown-module",
                        f"track '{track_id}' names module '{module_id}', which no file "
                        f"under scenarios/ defines{did_you_mean(module_id, by_id)}",
                    )
                )
                continue
            placed.add(module_id)
            if (
                all(_acyclic(s) for s in module.scenarios)
                and sum(best_points(s) for s in module.scenarios) <= 0
            ):
                found.append(
                    doc.error(
                        (*at, "pass_mark"),
                        "pass-mark-unreachable",
                        f"no answer path can reach the pass mark of {track.pass_mark}% "
                        f"in module '{module_id}': its best answers earn 0 points",
                    )
                )
    for source in modules:
        if source.module.id not in placed and source.module.id in by_id:
            found.append(
                source.doc.warning(
                    ("id",),
                    "module-not-in-track",
                    f"module '{source.module.id}' is in no track of "
                    "course/course.yaml, so no learner will see it",
                )
            )


def _acyclic(scenario: Scenario) -> bool:
    return find_cycle(scenario) is None


def _check_coverage(
    course: Course,
    policy_doc: YamlDocument,
    policy: Policy,
    modules: Sequence[ModuleSource],
    found: list[Diagnostic],
) -> None:
    by_id = {m.module.id: m.module for m in modules}
    tested: Counter[str] = Counter(
        g for m in modules for s in m.module.scenarios for g in s.guidelines
    )
    per_track: dict[str, Counter[str]] = defaultdict(Counter)
    for track_id, track in course.tracks.items():
        for module_id in dict.fromkeys(track.modules):
            for scenario in by_id[module_id].scenarios if module_id in by_id else []:
                per_track[track_id].update(set(scenario.guidelines))
    reported: set[str] = set()
    for i, guideline in enumerate(policy.guidelines):
        if guideline.id in reported:
            continue
        reported.add(guideline.id)
        at = ("guidelines", i, "id")
        if tested[guideline.id] == 0:
            found.append(
                policy_doc.warning(
                    at, "guideline-untested", f"guideline '{guideline.id}' is tested by no scenario"
                )
            )
            continue
        for track_id, _track in course.tracks.items():
            count = per_track[track_id][guideline.id]
            if count < 2:
                found.append(
                    policy_doc.warning(
                        at,
                        "guideline-undertested",
                        f"guideline '{guideline.id}' is tested by {count} scenario"
                        f"{'' if count == 1 else 's'} in track '{track_id}'; "
                        "2 or more make a fairer test",
                    )
                )
