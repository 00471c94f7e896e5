"""Random damage to a course: the loader reports it, and never crashes.

One file of the sample course (the first course trainer shipped) is mutated (its bytes,
its lines, or its parsed data tree) and the course is loaded from a temporary copy.
``load_course`` must either return a bundle or raise ``AuthoringError``, never anything
else, and every diagnostic must point at a real place: a file of the course, line and
column from 1, and a message.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from trainer.content.course import (
    COURSE_FILE,
    GUIDELINES_FILE,
    CourseBundle,
    load_course,
    module_files,
)
from trainer.content.diagnostics import AuthoringError, Diagnostic

# The small sample course keeps each example cheap; the loader is the same for any course.
SHIPPED = Path(__file__).resolve().parent / "fixtures" / "sample_course"
LABELS: tuple[str, ...] = (
    COURSE_FILE,
    GUIDELINES_FILE,
    *(p.relative_to(SHIPPED).as_posix() for p in module_files(SHIPPED)),
)
ORIGINAL: dict[str, bytes] = {label: (SHIPPED / label).read_bytes() for label in LABELS}
MODULE_LABELS = tuple(label for label in LABELS if label.startswith("scenarios/"))

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- loading and the property -----------------------------------------------------------


def _load_mutated(label: str, content: bytes) -> str:
    """Write the course with ``label`` replaced by ``content``; load it; check the outcome,
    and name it: 'loaded', or the code of the first error."""
    with tempfile.TemporaryDirectory(prefix="trainer-prop-") as tmp:
        root = Path(tmp)
        for name, original in ORIGINAL.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if name == label else original)
        failure: AuthoringError | None = None
        try:
            bundle = load_course(root)
        except AuthoringError as exc:  # anything else fails the test
            failure = exc
        if failure is not None:
            assert failure.errors, "AuthoringError raised without an error among its diagnostics"
            diagnostics = list(failure.diagnostics)
        else:
            assert isinstance(bundle, CourseBundle)
            diagnostics = list(bundle.warnings)
        for diagnostic in diagnostics:
            _check_diagnostic(root, diagnostic)
        return "loaded" if failure is None else f"first error: {failure.errors[0].code}"


def _check_diagnostic(root: Path, d: Diagnostic) -> None:
    assert d.line >= 1, d
    assert d.column >= 1, d
    assert d.message.strip(), d
    assert d.severity in ("error", "warning"), d
    assert d.file in ORIGINAL, d
    assert (root / d.file).is_file(), d


def test_the_sample_course_loads() -> None:
    """The starting point of every mutation is a valid course."""
    _load_mutated(COURSE_FILE, ORIGINAL[COURSE_FILE])


# --- byte and text mutations ------------------------------------------------------------

TOKENS: tuple[bytes, ...] = (
    b":",
    b": ",
    b"-",
    b"- ",
    b" ",
    b"  ",
    b"\t",
    b'"',
    b"'",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"&a [1]\nx: *a\n",
    b"!",
    b"!!str ",
    b"!!python/object/apply:os.system ",
    b"!custom ",
    b"<<: ",
    b"? ",
    b"|",
    b">-",
    b"#",
    b"\\",
    b"~",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"null",
    b"true",
    b"no",
    b"0x1F",
    b"1e999",
    b".nan",
    b"-1",
    b"end",
    b"\x00",
    b"\x07",
    b"\x1b",
    b"\x7f",
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\x80",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
    b"\xef\xbf\xbe",
    b"\xf0\x9f\x9a\x93",
    b"\xed\xa0\x80",
)

token = st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=4))


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One random change to ``data``: characters, lines, indentation or length."""
    size = len(data)
    kind = draw(
        st.sampled_from(
            (
                "delete",
                "insert",
                "replace",
                "swap-lines",
                "duplicate-line",
                "delete-line",
                "truncate",
                "indent",
            )
        )
    )
    if kind in ("delete", "insert", "replace", "truncate"):
        at = draw(st.integers(0, size))
        if kind == "truncate":
            return data[:at]
        if kind == "insert":
            return data[:at] + draw(token) + data[at:]
        length = draw(st.integers(1, 8))
        replacement = draw(token) if kind == "replace" else b""
        return data[:at] + replacement + data[at + length :]
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "swap-lines":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "duplicate-line":
        lines.insert(draw(st.integers(0, len(lines))), lines[i])
    elif kind == "delete-line":
        del lines[i]
    else:
        line = lines[i]
        body = line.lstrip(b" ")
        indent = len(line) - len(body)
        new = draw(
            st.one_of(
                st.integers(0, 12).map(lambda n: b" " * n),
                st.just(b"\t" * max(1, indent // 2)),
                st.just(b"\t" + b" " * indent),
                st.just(b" " * max(0, indent - 1)),
                st.just(b" " * (indent + 1)),
            )
        )
        lines[i] = new + body
    return b"\n".join(lines)


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    label = draw(st.sampled_from(LABELS))
    data = ORIGINAL[label]
    for _ in range(draw(st.integers(1, 4))):
        data = draw(byte_mutation(data))
    return label, data


@SETTINGS
@given(mutated_file())
def test_byte_mutations_give_authoring_errors_only(case: tuple[str, bytes]) -> None:
    label, content = case
    # --hypothesis-show-statistics shows how far into the loader the mutations reach.
    event(_load_mutated(label, content))


# --- structural mutations ---------------------------------------------------------------

PARSED: dict[str, object] = {label: yaml.safe_load(ORIGINAL[label]) for label in LABELS}

PathPart = str | int


def _paths(value: object, here: tuple[PathPart, ...] = ()) -> list[tuple[PathPart, ...]]:
    """Every path in a data tree, the root included."""
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*here, i))
    return found


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return {str(k) for k in value} | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _strings(value: object) -> set[str]:
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return {value} if isinstance(value, str) and len(value) < 40 else set()


KNOWN_KEYS = sorted(set().union(*(_keys(v) for v in PARSED.values())))
KNOWN_STRINGS = sorted(set().union(*(_strings(v) for v in PARSED.values())))

key = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=1, max_size=12))
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(KNOWN_STRINGS),
    st.sampled_from(("", " ", "end", "single", "multi", "flag", "correct", "partly")),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(key, inner, max_size=3)),
    max_leaves=6,
)


def _at(tree: object, path: tuple[PathPart, ...]) -> object:
    for part in path:
        tree = tree[part]  # type: ignore[index]
    return tree


@st.composite
def mutated_tree(draw: st.DrawFn) -> tuple[str, bytes]:
    label = draw(st.sampled_from((*MODULE_LABELS, *MODULE_LABELS, COURSE_FILE, GUIDELINES_FILE)))
    tree = copy.deepcopy(PARSED[label])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(tree)))
        node = _at(tree, path)
        ops = ["replace"]
        if isinstance(node, dict):
            ops += ["drop-key", "add-key"] if node else ["add-key"]
        if isinstance(node, list) and node:
            ops += ["duplicate-item", "drop-item"]
        op = draw(st.sampled_from(ops))
        if op == "replace" and not path:
            tree = draw(value)
        elif op == "replace":
            parent = _at(tree, path[:-1])
            parent[path[-1]] = draw(value)  # type: ignore[index]
        elif op == "drop-key":
            assert isinstance(node, dict)
            del node[draw(st.sampled_from(sorted(node)))]
        elif op == "add-key":
            assert isinstance(node, dict)
            node[draw(key)] = draw(value)
        elif op == "duplicate-item":
            assert isinstance(node, list)
            i = draw(st.integers(0, len(node) - 1))
            node.insert(draw(st.integers(0, len(node))), copy.deepcopy(node[i]))
        else:
            assert isinstance(node, list)
            del node[draw(st.integers(0, len(node) - 1))]
    text = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
    return label, text.encode("utf-8")


@SETTINGS
@given(mutated_tree())
def test_structural_mutations_give_authoring_errors_only(case: tuple[str, bytes]) -> None:
    label, content = case
    # --hypothesis-show-statistics shows how far into the loader the mutations reach.
    event(_load_mutated(label, content))
