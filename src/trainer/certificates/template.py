"""Certificate templates: certificates/NAME.yaml holds a certificate's wording and look.

The wording fields are Jinja2, written by training officers, not programmers, and rendered
around learner text. So they run in Jinja's immutable sandbox with StrictUndefined (a
misspelt variable fails instead of printing nothing onto a legal record), every value is
escaped (the ``safe`` filter is gone and ``{% autoescape %}`` is refused), and only a few
formatting tags may be written. Everything that can be checked is checked when the file is
loaded, not when the 500th certificate of a class is issued: YAML keys, unknown variables
and fields (with a did-you-mean), syntax, reaching for Python internals, and a trial
rendering of every field with sample facts. Layout stays in Python (render.py).
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import jinja2
import yaml
from jinja2 import StrictUndefined, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, field_validator
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paraparser import ParaParser

from trainer.certificates import typefaces, typeset
from trainer.certificates.errors import CertificateError, TemplateError
from trainer.certificates.payload import AttemptSeed, CertificatePayload, ModuleScore, Officer
from trainer.certificates.variables import DateStyle, wording_variables, zone
from trainer.content.diagnostics import did_you_mean, quoted_list
from trainer.content.validation import validate_document
from trainer.content.yamlsource import YamlDocument, read_yaml

TEMPLATE_DIR = "certificates"
WORDING = ("title", "heading", "preamble", "statement", "verify", "footer", "seal")
"""The fields written in Jinja2, in the order they are checked."""

PageSize = Literal["letter", "a4"]

# Tags a wording field may write, with the attributes each may carry. <img> and <a> are
# left out on purpose: they would read files or add links to a legal record.
_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "br": frozenset(),
    "super": frozenset(),
    "sup": frozenset(),
    "sub": frozenset(),
    "font": frozenset({"color", "size"}),
}
_At = Callable[[int, str, str | None], str]
"""Locates a message: (the template's line, message, text to find) -> 'file:line:col: ...'."""
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z]+)([^>]*?)/?\s*>")
_ATTRIBUTE = re.compile(r"([A-Za-z_]+)\s*=")

Colour = Annotated[str, Field(description="A colour as # and six hex digits, like #1B2A41.")]


# --- the file's shape -------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Page(_Strict):
    size: PageSize = Field(
        default="letter",
        description="The paper a face prints on unless told otherwise: letter or a4 "
        "(both landscape).",
    )


class _Colours(_Strict):
    ink: Colour = "#1B2A41"
    accent: Colour = "#8C6A1F"
    muted: Colour = "#5A6270"

    @field_validator("ink", "accent", "muted")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValueError("a colour is # and six hex digits, like #1B2A41")
        return value.upper()


class _Labels(_Strict):
    badge: str = "Badge"
    state_id: str = "State officer ID"
    hours: str = "Credit hours"
    score: str = "Score"
    started: str = "Training began"
    completed: str = "Completed"
    expires: str = "Valid until"
    number: str = "Certificate number"
    control: str = "Course control number"
    scan: str = "Scan to verify"


class _Signatory(_Strict):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)


class _TemplateFile(_Strict):
    """certificates/NAME.yaml."""

    title: str = Field(min_length=1)
    heading: str = Field(min_length=1)
    preamble: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    verify: str = Field(min_length=1)
    footer: str = ""
    seal: str = Field(min_length=1)
    signatory: _Signatory
    labels: _Labels = _Labels()
    colours: _Colours = _Colours()
    page: _Page = _Page()
    dates: DateStyle = "us"
    time_zone: str = Field(default="UTC", description="An IANA zone such as America/Chicago.")


# --- the loaded template ----------------------------------------------------------------


@dataclass(frozen=True)
class Colours:
    ink: str
    accent: str
    muted: str


@dataclass(frozen=True)
class _Wording:
    """One compiled wording field and where its text is in the file."""

    name: str
    template: jinja2.Template = field(repr=False)
    lines: tuple[tuple[int, int, str], ...]
    """(line, column, text) of each file line the field's text is on."""
    literal: bool
    """A ``|`` block: the template's lines are the file's lines. Otherwise YAML folds
    several file lines into one template line, and a problem is placed by its text."""


@dataclass(frozen=True)
class CertificateTemplate:
    """A loaded, checked certificate template."""

    source: str
    """The file as messages name it: certificates/completion.yaml."""
    signatory: Officer
    labels: Mapping[str, str]
    colours: Colours
    page_size: PageSize
    dates: DateStyle
    time_zone: tzinfo
    _wording: Mapping[str, _Wording] = field(repr=False)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self._wording)


def template_path(course_root: Path, name: str) -> Path:
    """Where template ``name`` lives: certificates/NAME.yaml under the course root."""
    return course_root / TEMPLATE_DIR / f"{name}.yaml"


def load_template(path: Path) -> CertificateTemplate:
    """Read and check a template. Raises :class:`TemplateError` (a CertificateError) with
    every problem found, each as ``certificates/NAME.yaml:LINE:COL: message``."""
    label = f"{TEMPLATE_DIR}/{path.name}" if path.parent.name == TEMPLATE_DIR else path.as_posix()
    if not path.is_file():
        raise CertificateError(
            f"{label}: no such certificate template"
            + (f" (templates here: {_listed(path.parent)})" if path.parent.is_dir() else "")
        )
    doc = read_yaml(path, label)
    model = (
        validate_document(doc, _TemplateFile, "a certificate template")
        if doc.ok and doc.data is not None
        else None
    )
    problems = [_located(d.file, d.line, d.column, d.message) for d in doc.diagnostics]
    if model is None:
        raise TemplateError(problems or [f"{label}:1:1: not a certificate template"])
    try:
        where = zone(model.time_zone)
    except ValueError:
        line, column = doc.position(("time_zone",))
        problems.append(
            _located(
                label,
                line,
                column,
                f"unknown time zone '{model.time_zone}': use an IANA name such as "
                "America/Chicago or Europe/London, or UTC",
            )
        )
        where = UTC
    compiled: dict[str, _Wording] = {}
    for name in WORDING:
        text: str = getattr(model, name)
        wording, found = _compile(doc, name, text)
        problems += found
        if wording is not None:
            compiled[name] = wording
    template = CertificateTemplate(
        source=label,
        signatory=Officer(model.signatory.name, model.signatory.title),
        labels=model.labels.model_dump(),
        colours=Colours(model.colours.ink, model.colours.accent, model.colours.muted),
        page_size=model.page.size,
        dates=model.dates,
        time_zone=where,
        _wording=compiled,
    )
    if not problems:
        problems += _trial(template)
    if problems:
        raise TemplateError(sorted(problems, key=_line_order))
    return template


def render_wording(template: CertificateTemplate, payload: CertificatePayload) -> dict[str, str]:
    """Each wording field rendered for ``payload``: paragraph markup in which learner and
    course text is escaped, so ``<b>`` or ``&`` in a name prints as written."""
    variables = wording_variables(payload, template.dates, template.time_zone)
    # One scope for all seven fields (Template.render copies the variables and the
    # globals into a new one for each: a class of 500 makes 3,500 of them).
    scope = {**environment().globals, **variables}
    rendered: dict[str, str] = {}
    for name, wording in template._wording.items():
        compiled = wording.template
        try:
            context = compiled.new_context(scope, shared=True)
            text = compiled.environment.concat(compiled.root_render_func(context))
        except Exception:
            # Rendered again the usual way, whose traceback Jinja rewrites to the
            # template's own lines: the message names the line.
            rendered[name] = _render(template.source, wording, variables)
        else:
            rendered[name] = str(text).strip()
    return rendered


# --- checking -------------------------------------------------------------------------


_environment: ImmutableSandboxedEnvironment | None = None


def environment() -> ImmutableSandboxedEnvironment:
    """The one sandboxed environment every template is compiled in."""
    global _environment
    if _environment is None:
        env = ImmutableSandboxedEnvironment(
            undefined=StrictUndefined, autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        # Without it nothing in a template can switch escaping off for learner text.
        env.filters.pop("safe", None)
        _environment = env
    return _environment


@cache
def _known() -> Mapping[str, object]:
    """The variables a template may use, with sample values (never changed)."""
    return wording_variables(_sample())


def _compile(doc: YamlDocument, name: str, text: str) -> tuple[_Wording | None, list[str]]:
    env = environment()
    lines, literal = _source_lines(doc, name)
    placed = _Wording(name, env.from_string(""), lines, literal)

    def at(jinja_line: int, message: str, needle: str | None = None) -> str:
        line, column = _position(placed, jinja_line, needle)
        return _located(doc.file, line, column, f"{name}: {message}")

    filename = _filename(doc.file, name)
    try:
        tree = env.parse(text, name=name, filename=filename)
        code = env.compile(tree, name=name, filename=filename)
    except jinja2.TemplateSyntaxError as exc:
        message = exc.message or "invalid template"
        found = re.match(r"No filter named '([^']+)'", message)
        if found is not None:
            return None, [at(exc.lineno, _filter_message(found.group(1)), found.group(1))]
        return None, [at(exc.lineno, f"template syntax: {message}")]
    problems = _static_problems(tree, at)
    if problems:
        return None, problems
    compiled = env.template_class.from_code(env, code, env.make_globals(None))
    return _Wording(name, compiled, lines, literal), []


def _static_problems(tree: nodes.Template, at: _At) -> list[str]:
    problems: list[str] = []
    for modifier in tree.find_all(nodes.EvalContextModifier):
        problems.append(
            at(
                modifier.lineno,
                "'{% autoescape %}' is not allowed: learner and course text is always "
                "escaped, so that a name prints exactly as written",
                "autoescape",
            )
        )
    internals = [(key, line) for _, key, line in _attributes(tree) if key.startswith("_")]
    if internals:
        # ''.__class__.__mro__ is one escape: name the first step of it, once.
        key, line = internals[-1]
        problems.append(
            at(
                line,
                f"security: '{key}' reaches into Python internals, which templates may not "
                "do: use the certificate's facts, such as learner.name",
                key,
            )
        )
    for target, key, line in _attributes(tree):
        fields = _known().get(target) if target is not None else None
        if isinstance(fields, dict) and key not in fields and not key.startswith("_"):
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = (
                f" (did you mean '{target}.{close[0]}'?)"
                if close
                else f": {target} has {quoted_list(list(fields), limit=10)}"
            )
            problems.append(at(line, f"unknown field '{target}.{key}'{hint}", f".{key}"))
    known = set(_known()) | set(environment().globals)
    for variable in sorted(meta.find_undeclared_variables(tree) - known):
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == variable), 1)
        hint = did_you_mean(variable, sorted(_known())) or (
            f": the variables are {quoted_list(sorted(_known()), limit=30)}"
        )
        problems.append(at(line, f"unknown variable '{variable}'{hint}", variable))
    return problems


def _attributes(tree: nodes.Template) -> Iterator[tuple[str | None, str, int]]:
    """Every ``x.key`` and ``x['key']``: the variable's name when ``x`` is one, the key,
    and its line."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        key: object = None
        if isinstance(node, nodes.Getattr):
            key, owner = node.attr, node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            key, owner = node.arg.value, node.node
        if not isinstance(key, str):
            continue
        target = owner.name if isinstance(owner, nodes.Name) else None
        yield target, key, node.lineno


def _filter_message(name: str) -> str:
    if name == "safe":
        return (
            "the 'safe' filter is not available: learner and course text is always escaped, "
            "so that a name prints exactly as written"
        )
    return f"unknown filter '{name}'{did_you_mean(name, sorted(environment().filters))}"


def _trial(template: CertificateTemplate) -> list[str]:
    """Render every field with sample facts (with and without the optional ones), and check
    what comes out is markup a certificate can draw."""
    problems: list[str] = []
    for sample in (_sample(), _sample(bare=True)):
        variables = wording_variables(sample, template.dates, template.time_zone)
        for name, wording in template._wording.items():
            try:
                text = _render(template.source, wording, variables)
            except CertificateError as exc:
                problems.append(str(exc))
                continue
            try:
                _check_markup(text)
                typeset.paragraph(text, typefaces.SERIF.name, "the text")
            except CertificateError as exc:
                line, column = _position(wording, 1)
                problems.append(_located(template.source, line, column, f"{name}: {exc}"))
        if problems:
            break
    return problems


def _render(source: str, wording: _Wording, variables: Mapping[str, object]) -> str:
    try:
        return str(wording.template.render(variables)).strip()
    except Exception as exc:  # a template may fail in any way: say where, in one line
        raise CertificateError(_runtime(source, wording, exc)) from None


def _check_markup(text: str) -> None:
    for closing, tag, rest in _TAG.findall(text):
        allowed = _TAGS.get(tag.lower())
        if allowed is None:
            raise CertificateError(
                f"the tag <{tag}> is not allowed: wording may use "
                + ", ".join(f"<{t}>" for t in _TAGS)
            )
        for attribute in _ATTRIBUTE.findall(rest):
            if closing or attribute.lower() not in allowed:
                raise CertificateError(
                    f"<{tag}> may not have '{attribute}'"
                    + (f": it may have {quoted_list(sorted(allowed))}" if allowed else "")
                )
    try:
        ParaParser().parse(text, ParagraphStyle("check", fontName="Helvetica"))  # type: ignore[no-untyped-call]
    except ValueError as exc:
        reason = str(exc).rsplit("exception", 1)[-1].strip()
        raise CertificateError(f"the markup is not well formed: {reason}") from None


def _runtime(source: str, wording: _Wording, exc: BaseException) -> str:
    jinja_line = 1
    marker = _filename(source, wording.name)
    trace: types.TracebackType | None = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == marker:
            jinja_line = trace.tb_lineno
        trace = trace.tb_next
    line, column = _position(wording, jinja_line)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        message = (
            f"security: {exc}: templates may use the certificate's facts, not Python internals"
        )
    elif isinstance(exc, jinja2.UndefinedError):
        message = f"{exc.message}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return _located(source, line, column, f"{wording.name}: {message}")


# --- positions ------------------------------------------------------------------------


def _filename(source: str, name: str) -> str:
    return f"<{source}#{name}>"


def _source_lines(doc: YamlDocument, name: str) -> tuple[tuple[tuple[int, int, str], ...], bool]:
    """The file lines a field's text is on, and whether it is a literal (``|``) block."""
    node = _value_node(doc, name)
    text_lines = (doc.text or "").splitlines()
    if node is None:
        line, column = doc.position((name,))
        return ((line, column, ""),), False
    first, last = node.start_mark.line, node.end_mark.line
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    found: list[tuple[int, int, str]] = []
    if style in ("|", ">"):
        first += 1  # the text starts on the line after the indicator
    for index in range(first, min(last + 1, len(text_lines))):
        text = text_lines[index]
        if not text.strip():
            continue
        column = len(text) - len(text.lstrip(" ")) + 1
        if index == node.start_mark.line:
            column = node.start_mark.column + 1 + (1 if style in ("'", '"') else 0)
        found.append((index + 1, column, text))
    if not found:
        found.append((node.start_mark.line + 1, node.start_mark.column + 1, ""))
    return tuple(found), style == "|"


def _value_node(doc: YamlDocument, name: str) -> yaml.Node | None:
    root = doc.root
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            node: yaml.Node = value
            return node
    return None


def _position(wording: _Wording, jinja_line: int, needle: str | None = None) -> tuple[int, int]:
    """Where a problem is in the file: at ``needle`` (a name the template uses) when the
    field's text holds it, else at the template's line, else where the text starts."""
    if needle:
        before = "" if needle.startswith(".") else r"(?<![A-Za-z0-9_])"
        pattern = re.compile(rf"{before}{re.escape(needle)}(?![A-Za-z0-9_])")
        for line, column, text in wording.lines:
            found = pattern.search(text, column - 1)
            if found is not None:
                return line, found.start() + (2 if needle.startswith(".") else 1)
    if wording.literal and 0 < jinja_line <= len(wording.lines):
        line, column, _ = wording.lines[jinja_line - 1]
        return line, column
    line, column, _ = wording.lines[0]
    return line, column


def _located(file: str, line: int, column: int, message: str) -> str:
    return f"{file}:{line}:{column}: {message}"


def _line_order(problem: str) -> tuple[int, int]:
    found = re.match(r".*?:(\d+):(\d+): ", problem)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def _listed(folder: Path) -> str:
    names = sorted(p.stem for p in folder.glob("*.yaml"))
    return quoted_list(names) if names else "none"


# --- sample facts for the trial rendering ---------------------------------------------


def _sample(*, bare: bool = False) -> CertificatePayload:
    """Facts shaped like a real certificate's; ``bare`` leaves out every optional one."""
    done = datetime(2026, 5, 4, 14, 3, 22, tzinfo=UTC)
    return CertificatePayload(
        number="7K3M-QX2A-9RTD-E5W5",
        learner_name="Sample Learner",
        badge="0000",
        state_officer_id=None if bare else "POST-000000",
        agency="Sample Agency",
        provider_name="Sample Academy",
        provider_number="TP-0000",
        course_id="sample-course",
        course_title="Sample Course",
        course_version="1.0.0",
        content_hash="0" * 64,
        track="onboarding",
        track_title="Onboarding",
        modules=() if bare else (ModuleScore("module", "Module", 9, 10, 90.0),),
        earned=9,
        maximum=10,
        percent=90.0,
        pass_mark=80,
        credit_hours=2.0,
        started=done - timedelta(days=1),
        completed=done,
        delivery_method="online, self-paced",
        attempts=() if bare else (AttemptSeed("module", 1),),
        expires=None if bare else done + timedelta(days=365),
        acknowledged=done,
        time_on_task=3600,
        officer_name="Sample Officer",
        officer_title="Training Officer",
        control_number=None if bare else "CTRL-0000",
        kid="0" * 16,
        issued=done,
    )
