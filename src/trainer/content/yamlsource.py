"""Safe YAML reading that remembers where every value came from.

PyYAML's C parser composes the node tree; this module turns it into plain Python values
itself, which lets it refuse what a course file has no use for (tags, aliases, duplicate
keys, several documents) with a located message, and read scalars the YAML 1.2 way, so that
``no``, ``on`` and ``23:14`` stay text. The node tree is kept: a value's file position is
looked up from it only when a message needs one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.content.diagnostics import Diagnostic

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 2 * 1024 * 1024
"""A course file above this size is a mistake (or an attack): refuse it before parsing."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

PathPart = str | int
Path_ = tuple[PathPart, ...]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe C loader with the YAML 1.2 core schema's implicit types."""


# YAML 1.1 reads yes/no/on/off as booleans, 1:30 as 90 and 2026-01-05 as a date; a training
# officer writing a mock post means none of that, so only the YAML 1.2 core forms resolve.
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


@dataclass
class YamlDocument:
    """A parsed file: its values and the node tree that knows their positions."""

    file: str
    data: object
    root: yaml.Node | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def position(self, path: Sequence[PathPart], *, key: bool = False) -> tuple[int, int]:
        """The 1-based (line, column) of the value at ``path``, or of its key with ``key``.
        A path that leaves the tree (a missing key) stops at the deepest node it reaches."""
        node = self.root
        if node is None:
            return (1, 1)
        last_key: yaml.Node | None = None
        for part in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == part:
                        child, last_key = v, k
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                child, last_key = node.value[part], None
            if child is None:
                break
            node = child
        else:
            if key and last_key is not None:
                node = last_key
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def error(
        self, path: Sequence[PathPart], code: str, message: str, *, key: bool = False
    ) -> Diagnostic:
        line, column = self.position(path, key=key)
        return Diagnostic(self.file, line, column, "error", code, message)

    def warning(self, path: Sequence[PathPart], code: str, message: str) -> Diagnostic:
        line, column = self.position(path)
        return Diagnostic(self.file, line, column, "warning", code, message)


def read_yaml(path: Path, label: str) -> YamlDocument:
    """Read one course file. Never raises for bad content: problems come back as
    diagnostics on the document, whose ``data`` is then ``None`` or partial."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _failed(
                label,
                1,
                1,
                "file-too-large",
                f"file is {size / 1_000_000:.1f} MB; a course file may be at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB: split it into several modules",
            )
        raw = path.read_bytes()
    except OSError as exc:
        return _failed(label, 1, 1, "unreadable", f"cannot read file: {exc.strerror or exc}")
    return parse_yaml(raw, label)


def parse_yaml(raw: bytes, label: str) -> YamlDocument:
    """Parse bytes as one YAML document of plain values; see :func:`read_yaml`."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        return _failed(
            label,
            line,
            column,
            "not-utf8",
            f"byte 0x{raw[exc.start]:02X} is not valid UTF-8: save the file as UTF-8",
        )
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(label, exc, text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return _failed(
            label,
            line,
            column,
            "yaml-syntax",
            f"YAML syntax: control character U+{ord(char):04X} is not allowed in a YAML file",
        )
    except yaml.YAMLError as exc:  # pragma: no cover - every other error carries a mark
        return _failed(label, 1, 1, "yaml-syntax", f"YAML syntax: {exc}")
    finally:
        loader.dispose()
    if root is None:
        return _failed(label, 1, 1, "empty-file", "file is empty: it holds no YAML document")
    doc = YamlDocument(label, None, root)
    walker = _Walker(doc, text)
    doc.data = walker.value(root)
    return doc


def _failed(label: str, line: int, column: int, code: str, message: str) -> YamlDocument:
    return YamlDocument(
        label, None, None, [Diagnostic(label, line, column, "error", code, message)]
    )


# (what PyYAML says, what to tell a person, report at where the construct opened)
_SYNTAX_HINTS: tuple[tuple[str, str, bool], ...] = (
    (
        "mapping values are not allowed",
        "a ':' where none can be: text with ': ' in it needs "
        "quotes, or this line is indented too far",
        False,
    ),
    (
        "did not find expected key",
        "indentation is off: the keys of one mapping must line up",
        False,
    ),
    ("found unexpected end of stream", "this quote is never closed", True),
    ("found unexpected end of document", "this quote is never closed", True),
    ("expected ',' or ']'", "this '[' list is never closed with ']'", True),
    ("expected ',' or '}'", "this '{' mapping is never closed with '}'", True),
    (
        "but found another document",
        "a file holds one document: remove the second '---' and "
        "what follows, or move it to a file of its own",
        False,
    ),
    (
        "did not find expected '-' indicator",
        "a list item is indented differently from the ones "
        "before it, or a key follows a list at the list's own level",
        False,
    ),
    ("expected <block end>", "indentation is off", False),
    ("found undefined alias", "aliases (*name) are not supported: write the value out", False),
    (
        "found unknown escape character",
        "a backslash in double quotes: use single quotes or write '\\\\'",
        False,
    ),
    ("found duplicate anchor", "anchors (&name) are not supported: write the value out", False),
)


def _syntax_error(label: str, exc: yaml.MarkedYAMLError, text: str) -> YamlDocument:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    said = f"{exc.context or ''} {problem}"
    message = f"YAML syntax: {problem}"
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        message = "YAML syntax: a tab character: YAML indents with spaces only"
    else:
        for needle, hint, at_opening in _SYNTAX_HINTS:
            if needle in said:
                message = f"YAML syntax: {hint}"
                if at_opening and exc.context_mark is not None:
                    mark = exc.context_mark
                break
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _failed(label, line, column, "yaml-syntax", message)


def _tag_name(tag: str) -> str:
    return (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )


class _Walker:
    """Turns nodes into values, refusing what plain course data never needs."""

    def __init__(self, doc: YamlDocument, text: str) -> None:
        self.doc = doc
        self.text = text
        self.seen: set[int] = set()
        self.alias_reported = False

    def _error(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.doc.diagnostics.append(
            Diagnostic(self.doc.file, mark.line + 1, mark.column + 1, "error", code, message)
        )

    def value(self, node: yaml.Node) -> object:
        if id(node) in self.seen:
            # The composer hands an alias back as the very node its anchor named; walking it
            # again would expand a "billion laughs" file, so stop at the first reuse.
            self._report_alias()
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node)
                return None
            return [self.value(item) for item in node.value]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        raise AssertionError(f"unknown node {node!r}")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode) -> object:
        if node.tag != _MAP:
            self._bad_tag(node)
            return None
        result: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (
                _STR,
                _INT,
                _BOOL,
                _FLOAT,
                _NULL,
            ):
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._error(
                        key_node,
                        "yaml-merge",
                        "merge keys (<<) are not supported: write the keys out",
                    )
                else:
                    self._error(
                        key_node, "yaml-key", "a key must be a plain name, not a list or mapping"
                    )
                continue
            key = key_node.value
            if key in result or key in first_line:
                self._error(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first at line {first_line[key]}): "
                    "YAML would silently keep only one of them",
                )
                self.value(value_node)
                continue
            first_line[key] = key_node.start_mark.line + 1
            result[key] = self.value(value_node)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> object:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() == "true"
        if tag == _INT:
            return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
        if tag == _FLOAT:
            lowered = value.lower().lstrip("+")
            if lowered.endswith("inf"):
                return float("-inf") if lowered.startswith("-") else float("inf")
            return float("nan") if lowered == ".nan" else float(value)
        self._bad_tag(node)
        return None

    def _bad_tag(self, node: yaml.Node) -> None:
        self._error(
            node,
            "yaml-tag",
            f"tag '{_tag_name(node.tag)}' is not allowed: course files hold only text, numbers, "
            "true/false, lists and mappings",
        )

    def _report_alias(self) -> None:
        if self.alias_reported:
            return
        self.alias_reported = True
        loader = _Loader(self.text)
        try:
            while (event := loader.get_event()) is not None:
                if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                    mark = event.start_mark
                    self.doc.diagnostics.append(
                        Diagnostic(
                            self.doc.file,
                            mark.line + 1,
                            mark.column + 1,
                            "error",
                            "yaml-alias",
                            f"aliases (*{event.anchor}) are not supported: write the value out "
                            "where it is needed",
                        )
                    )
                    return
        finally:
            loader.dispose()
