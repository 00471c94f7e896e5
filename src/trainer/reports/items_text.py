"""Item analysis as a person reads it (80 columns, bars with their numbers) and as CSV."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence

from trainer.reports.bars import bar, percent
from trainer.reports.items import ChoiceStats, GuidelineCertainty, ItemReport, ItemStats, PathStats
from trainer.reports.text import csv_text, fit, safe_cell, width

COLUMNS = 80
MARKS = {"correct": "✓", "partly": "~", "incorrect": "✗"}


def _rule(title: str) -> str:
    head = f"══ {title} "
    return head + "═" * max(3, COLUMNS - width(head))


def _wrapped(text: str, indent: str = "  ", rest: str = "    ") -> list[str]:
    return textwrap.wrap(
        text, COLUMNS, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=False
    )


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def _fraction(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _path_text(path: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    return " → ".join(f"{step} {'+'.join(chosen) or '(none)'}" for step, chosen in path)


def _flag_category(flag: str) -> str:
    return "wrong choice attracting strong learners" if flag.startswith("choice ") else flag


# --- the table --------------------------------------------------------------------------


def item_lines(report: ItemReport, *, flagged_only: bool = False) -> list[str]:
    """The report as lines of at most 80 columns (longer only where a word is)."""
    limits = report.thresholds
    attempts = sum(report.attempts.values())
    keys = list(dict.fromkeys(i.key for i in report.items))
    scope = (
        ""
        if report.by is None
        else f", by {report.by}: "
        + ", ".join(f"{c} {report.attempts.get(c, 0):,}" for c in report.cohorts)
    )
    lines = _wrapped(
        f"Item analysis: {attempts:,} completed attempt{'s' if attempts != 1 else ''}, "
        f"{report.answers:,} answers, {len(keys)} items{scope}",
        "",
        "  ",
    )
    lines += _wrapped(
        "Facility: the share of answers that were right. Discrimination: the point-biserial "
        "correlation of an item with the rest of its attempt (+1 strong learners get it "
        "right, weak ones wrong; near 0 or below, it does not tell them apart). Upper and "
        f"lower: the share of the top and bottom 27% of answers, by the rest of the "
        f"attempt, that picked a choice. No figure on fewer than {limits.min_answers} "
        "answers (--min-answers). ✓ right, ~ partly right, ✗ wrong.",
        "",
        "",
    )
    lines.append("")
    if attempts == 0:
        lines.append("No completed attempts on record to analyse.")
        return lines
    flagged_keys = {i.key for i in report.items if i.flags}
    # Each item counted once per kind of flag, whichever cohorts raise it.
    categories = Counter(
        category
        for category, _ in dict.fromkeys(
            (_flag_category(f), i.key) for i in report.items for f in i.flags
        )
    )
    summary = f"Flagged: {len(flagged_keys)} of {len(keys)} items"
    if categories:
        summary += ": " + ", ".join(f"{name} {count}" for name, count in categories.items())
    lines += _wrapped(summary, "", "  ")
    by_key: dict[tuple[str, str, str], list[ItemStats]] = {}
    for item in report.items:
        by_key.setdefault(item.key, []).append(item)
    cohort_width = min(22, max(width(c) for c in ("cohort", *report.cohorts)))
    module = None
    for key in keys:
        if flagged_only and key not in flagged_keys:
            continue
        rows = by_key[key]
        first = rows[0]
        if first.module != module:
            module = first.module
            lines += ["", _rule(f"{first.module_title} · {first.module}")]
        lines += _item_head(first)
        if report.by is None:
            lines += _item_detail(rows[0], limits.min_answers)
        else:
            lines += _item_cohorts(rows, limits.min_answers, cohort_width)
    if flagged_only and not flagged_keys:
        lines += ["", "No item is flagged."]
    lines += _path_lines(report)
    lines += _certainty_lines(report)
    return [line.rstrip() for line in lines]


def _item_head(item: ItemStats) -> list[str]:
    head = f"{item.scenario} · {item.step} · {item.step_type} · {item.scenario_title}"
    lines = ["", fit(head, COLUMNS).rstrip(), "  " + fit(item.prompt, COLUMNS - 2).rstrip()]
    if item.changed:
        lines.append("  ⚠ worded differently in the versions taught: figures pooled (--by version)")
    return lines


def _item_detail(item: ItemStats, minimum: int) -> list[str]:
    lines: list[str] = []
    if item.facility is None:
        lines.append(
            "  no answers yet"
            if not item.answers
            else f"  {item.answers} answer{'' if item.answers == 1 else 's'}: n too small "
            f"(figures need {minimum})"
        )
        for choice in item.choices:
            lead = f"  {MARKS[choice.verdict]} {fit(choice.id, 3)} picked {choice.picked:<5} "
            lines.append(lead + fit(choice.text, COLUMNS - width(lead)).rstrip())
        return lines
    discrimination = (
        _signed(item.discrimination)
        if item.discrimination is not None
        else (item.discrimination_note or "—")
    )
    lines.append(
        f"  {item.answers:,} answers  facility {_fraction(item.facility)} "
        f"{bar(item.facility, 20)}  discrimination {discrimination}"
    )
    if item.reached is not None:
        lines.append(f"  reached by {percent(item.reached)} of those who began the scenario")
    # Ids as long as they are (up to 12), taken from the bar: segment ids are words.
    ids = min(12, max([3, *(width(c.id) for c in item.choices)]))
    columns = 20 - (ids - 3)
    lines.append(" " * (ids + columns + 4) + "picked  upper  lower")
    for choice in item.choices:
        share = choice.share or 0.0
        lead = (
            f"  {MARKS[choice.verdict]} {fit(choice.id, ids)} {bar(share, columns)} "
            f"{percent(choice.share):>4}  {percent(choice.upper):>5}  {percent(choice.lower):>5}  "
        )
        lines.append(lead + fit(choice.text, COLUMNS - width(lead)).rstrip())
    lines += _flag_lines(item.flags, item.choices)
    return lines


def _flag_lines(flags: Sequence[str], choices: Sequence[ChoiceStats], who: str = "") -> list[str]:
    if not flags:
        return []
    by_id = {c.id: c for c in choices}
    said: list[str] = []
    for flag in flags:
        if flag.startswith("choice ") and (c := by_id.get(flag.split()[1])) is not None:
            flag += f" (upper {percent(c.upper)}, lower {percent(c.lower)})"
        said.append(flag)
    return _wrapped(f"⚑ {who}" + " · ".join(said), "  ", "    ")


def _item_cohorts(rows: Sequence[ItemStats], minimum: int, names: int) -> list[str]:
    choices = rows[0].choices
    # As many choice columns as fit beside the figures, each as wide as its longest id.
    wide = min(9, max([4, *(width(c.id) + 1 for c in choices)]))
    room = (COLUMNS - names - 32) // (wide + 1)
    shown = choices[:room]
    head = f"  {fit('cohort', names)} {'n':>5}  {'facility':<15} {'discr.':>6}"
    head += "".join(" " + fit(MARKS[c.verdict] + c.id, wide).rstrip().rjust(wide) for c in shown)
    lines = [head]
    for row in rows:
        start = f"  {fit(row.cohort, names)} {row.answers:>5}  "
        if row.facility is None:
            said = f"n too small (figures need {minimum})" if row.answers else "no answers"
            lines.append(start + said)
            continue
        discrimination = _signed(row.discrimination) if row.discrimination is not None else "—"
        line = start + f"{bar(row.facility, 10)} {_fraction(row.facility)} {discrimination:>6}"
        line += "".join(f" {percent(c.share):>{wide}}" for c in row.choices[:room])
        lines.append(line)
    if len(choices) > room:
        more = len(choices) - room
        lines.append(f"  (and {more} more choice{'s' if more > 1 else ''}: --format csv)")
    for row in rows:
        if row.reached is not None:
            lines.append(f"  {row.cohort}: reached by {percent(row.reached)} of those who began")
    for row in rows:
        lines += _flag_lines(row.flags, row.choices, f"{row.cohort}: ")
    return lines


def _path_lines(report: ItemReport) -> list[str]:
    if not report.paths:
        return []
    lines = ["", _rule("Branching scenarios: the paths learners took")]
    scenario = None
    for path in report.paths:
        if path.scenario != scenario:
            scenario = path.scenario
            lines += ["", fit(f"{path.scenario} · {path.scenario_title}", COLUMNS).rstrip()]
        who = "" if report.by is None else f"{path.cohort}: "
        lines += _one_path(path, who, report.thresholds.min_answers)
    return lines


def _one_path(path: PathStats, who: str, minimum: int) -> list[str]:
    took = f"  {who}{path.takers:,} took it"
    if not path.enough:
        return [f"{took}: n too small (figures need {minimum})"]
    best = path.best_share or 0.0
    lines = [f"{took}; best path {percent(best)} {bar(best, 20)}"]
    if path.wrong_count:
        lines += _wrapped(
            f"most common wrong path, {percent(path.wrong_share)} ({path.wrong_count:,}): "
            f"{_path_text(path.wrong_path)}",
            "    ",
            "      ",
        )
    return lines


def _certainty_lines(report: ItemReport) -> list[str]:
    lines = ["", _rule('Confidently wrong: answered "sure", and wrong')]
    if not report.certainty:
        lines.append(
            "Certainty was not asked in the attempts analysed (a module asks it with "
            "ask_certainty: true)."
        )
        return lines
    totals: Counter[str] = Counter()
    rows: dict[str, list[GuidelineCertainty]] = {}
    for row in report.certainty:
        totals[row.guideline] += row.confidently_wrong
        rows.setdefault(row.guideline, []).append(row)
    order = sorted(rows, key=lambda g: (-totals[g], g))
    lines.append(
        "By guideline: the share of answers to the steps testing it, where certainty was "
        "asked, that were sure and wrong."[:COLUMNS]
    )
    for guideline in order:
        group = sorted(rows[guideline], key=lambda r: report.cohorts.index(r.cohort))
        if report.by is None:
            lines.append(_certainty_row(f"{guideline} {group[0].title}", group[0]))
            continue
        lines.append(fit(f"  {guideline} {group[0].title}", COLUMNS).rstrip())
        lines += [_certainty_row(f"  {row.cohort}", row) for row in group]
    return lines


def _certainty_row(label: str, row: GuidelineCertainty) -> str:
    start = "  " + fit(label, 34) + " "
    if row.share is None:
        return start + f"n too small ({row.confidently_wrong} of {row.asked})"
    share = f"{bar(row.share, 20)} {percent(row.share):>4}"
    return start + f"{share}  {row.confidently_wrong} of {row.asked}"


# --- CSV --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "kind",
    "cohort",
    "module",
    "scenario",
    "step",
    "type",
    "choice",
    "verdict",
    "guideline",
    "answers",
    "correct",
    "facility",
    "discrimination",
    "picked",
    "share",
    "upper_share",
    "lower_share",
    "reached",
    "takers",
    "best_path_share",
    "wrong_path",
    "wrong_path_count",
    "asked",
    "confidently_wrong",
    "note",
    "flags",
    "text",
)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def item_csv(report: ItemReport) -> str:
    """One row per item and cohort (``kind`` item), per choice (choice), per branching
    scenario (path) and per guideline where certainty was asked (certainty); the columns
    that do not apply to a kind are empty."""
    return csv_text(CSV_COLUMNS, _csv_rows(report))


def _csv_rows(report: ItemReport) -> Iterable[list[str]]:
    def row(**cells: object) -> list[str]:
        return [str(cells.get(c, "")) for c in CSV_COLUMNS]

    for item in report.items:
        note = "; ".join(
            n
            for n in (
                item.discrimination_note,
                "worded differently in the versions taught" if item.changed else None,
            )
            if n
        )
        place = {
            "cohort": safe_cell(item.cohort),
            "module": item.module,
            "scenario": item.scenario,
            "step": item.step,
            "type": item.step_type,
        }
        yield row(
            kind="item",
            **place,
            answers=item.answers,
            correct=item.correct,
            facility=_number(item.facility),
            discrimination=_number(item.discrimination),
            reached=_number(item.reached),
            note=note,
            flags="; ".join(item.flags),
            text=safe_cell(item.prompt),
        )
        for choice in item.choices:
            yield row(
                kind="choice",
                **place,
                choice=choice.id,
                verdict=choice.verdict,
                answers=item.answers,
                picked=choice.picked,
                share=_number(choice.share),
                upper_share=_number(choice.upper),
                lower_share=_number(choice.lower),
                flags="attracts strong learners" if choice.attracts_strong else "",
                text=safe_cell(choice.text),
            )
    for path in report.paths:
        yield row(
            kind="path",
            cohort=safe_cell(path.cohort),
            module=path.module,
            scenario=path.scenario,
            takers=path.takers,
            best_path_share=_number(path.best_share),
            wrong_path=safe_cell(_path_text(path.wrong_path)),
            wrong_path_count=path.wrong_count,
            note="" if path.enough else "n too small",
            text=safe_cell(path.scenario_title),
        )
    for certain in report.certainty:
        yield row(
            kind="certainty",
            cohort=safe_cell(certain.cohort),
            guideline=certain.guideline,
            asked=certain.asked,
            confidently_wrong=certain.confidently_wrong,
            share=_number(certain.share),
            note="" if certain.enough else "n too small",
            text=safe_cell(certain.title),
        )
