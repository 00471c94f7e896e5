"""Safe YAML reading that remembers where every value came from.

PyYAML's C parser composes the node tree; this module turns it into plain Python values
itself, which lets it refuse what a course file has no use for (tags, aliases, duplicate
keys, several documents) with a located message, and read scalars the YAML 1.2 way, so that
``no``, ``on`` and ``23:14`` stay text. The node tree is kept: a value's file position is
looked up from it only when a message needs one.
"""

from __future__ import annotations

import math
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

MB = 1024 * 1024
MAX_FILE_BYTES = 2 * MB
"""A course file above this size is a mistake (or an attack): refuse it before parsing."""

MAX_DEPTH = 64
"""Course data nests about ten levels deep; deeper lists and mappings are refused, which also
keeps the walk below Python's recursion limit."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"

_TOO_DEEP = (
    f"lists and mappings nest more than {MAX_DEPTH} levels deep: a course file needs "
    "only a few levels"
)

_EMPTY = "file is empty: it holds no keys or values, only comments or nothing at all"

PathPart = str | int
Path_ = tuple[PathPart, ...]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe C loader with the YAML 1.2 core schema's implicit types."""


# YAML 1.1 reads yes/no/on/off as booleans, 1:30 as 90 and 2026-01-05 as a date; a training
# officer writing a mock post means none of that, so only the YAML 1.2 core forms resolve.
_Loader.yaml_implicit_resolvers = {}
_CORE_FORMS: dict[str, re.Pattern[str]] = {}
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
    _CORE_FORMS[_tag] = re.compile(_pattern)
    _Loader.add_implicit_resolver(_tag, _CORE_FORMS[_tag], _first)
# '<<' still resolves as a merge key, so that it is refused as one rather than read as a key.
_Loader.add_implicit_resolver(_MERGE, re.compile(r"^<<$"), ["<"])

# The tags a mapping key may resolve to; its text is the key either way.
_KEY_TAGS = (_STR, _INT, _BOOL, _FLOAT, _NULL)
# What an explicit tag such as '!!int abc' promised, for the message when the value is not that.
_TAG_WORDS = {
    _INT: "a whole number",
    _FLOAT: "a number",
    _BOOL: "true or false",
    _NULL: "an empty value",
}


@dataclass
class YamlDocument:
    """A parsed file: its values, and its text for finding where each value came from."""

    file: str
    data: object
    text: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _root: yaml.Node | None = field(default=None, init=False, repr=False)

    @property
    def root(self) -> yaml.Node | None:
        """The node tree, composed again on first use. Keeping every file's tree alive
        through a load would triple its time (the collector rescans them all), and only a
        file with something to report ever needs positions."""
        if self._root is None and self.text is not None:
            loader = _Loader(self.text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        return self._root

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
                # Rounded up, so a file just over the limit never reads as the limit itself.
                f"file is {math.ceil(size * 10 / MB) / 10:.1f} MB; a course file may be at "
                f"most {MAX_FILE_BYTES // MB} MB: split it into several modules",
            )
        raw = path.read_bytes()
    except OSError as exc:
        return _failed(label, 1, 1, "unreadable", f"cannot read file: {exc.strerror or exc}")
    return parse_yaml(raw, label)


def parse_yaml(raw: bytes, label: str) -> YamlDocument:
    """Parse bytes as one YAML document of plain values; see :func:`read_yaml`."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _failed(label, 1, 1, "not-utf8", "file is saved as UTF-16: save it as UTF-8")
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
        # libyaml reads the text as UTF-8: its position counts bytes, not characters.
        encoded = text.encode("utf-8")
        line = encoded.count(b"\n", 0, exc.position) + 1
        line_start = encoded.rfind(b"\n", 0, exc.position) + 1
        column = len(encoded[line_start : exc.position].decode("utf-8", "replace")) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        if char == "\0":
            # UTF-16 text puts a zero byte beside every ASCII letter.
            return _failed(
                label,
                line,
                column,
                "not-utf8",
                "a zero byte (U+0000): is the file saved as UTF-16? save it as UTF-8",
            )
        return _failed(
            label,
            line,
            column,
            "yaml-syntax",
            f"YAML syntax: control character U+{ord(char):04X} is not allowed in a YAML file",
        )
    except yaml.YAMLError as exc:  # pragma: no cover - every other error carries a mark
        return _failed(label, 1, 1, "yaml-syntax", f"YAML syntax: {exc}")
    except RecursionError:  # pragma: no cover - libyaml stops at 1000 levels first
        return _failed(label, 1, 1, "yaml-syntax", f"YAML syntax: {_TOO_DEEP}")
    finally:
        loader.dispose()
    if root is None:
        return _failed(label, 1, 1, "empty-file", _EMPTY)
    if isinstance(root, yaml.ScalarNode) and root.tag == _NULL:
        # Only '---', '~' or 'null': as empty as no document at all.
        return _failed(label, 1, 1, "empty-file", _EMPTY)
    doc = YamlDocument(label, None, text)
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
        "found unexpected end of stream",
        "this quote is never closed: end the text with the same quote mark",
        True,
    ),
    (
        "found unexpected end of document",
        "this quote is never closed: end the text with the same quote mark",
        True,
    ),
    ("expected ',' or ']'", "this '[' list is never closed with ']'", True),
    ("expected ',' or '}'", "this '{' mapping is never closed with '}'", True),
    (
        "but found another document",
        "a file holds one document: remove the second '---' and "
        "what follows, or move it to a file of its own",
        False,
    ),
    (
        "could not find expected ':'",
        "a line with no ':' where a key belongs: write 'key: value', or indent the line "
        "further to continue the text above it",
        True,
    ),
    ("found undefined alias", "aliases (*name) are not supported: write the value out", False),
    (
        "found unknown escape character",
        "a backslash in double quotes: use single quotes or write '\\\\'",
        False,
    ),
    ("found duplicate anchor", "anchors (&name) are not supported: write the value out", False),
    (
        "exceeded maximum nesting depth",
        "lists and mappings nest too deeply: a course file needs only a few levels",
        False,
    ),
)


def _syntax_error(label: str, exc: yaml.MarkedYAMLError, text: str) -> YamlDocument:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    said = f"{exc.context or ''} {problem}"
    message = f"YAML syntax: {problem}"
    # PyYAML's marks count characters, so they index the decoded text.
    at = text[mark.index : mark.index + 1] if mark is not None else ""
    before = text[: mark.index].rstrip(" ")[-1:] if mark is not None else ""
    if at == "\t":
        message = "YAML syntax: a tab character: YAML indents with spaces only"
    elif "did not find expected key" in said or "expected <block end>" in said:
        # The parser expected the next key of a block mapping; what it found says why not.
        if before in ("'", '"'):
            message = (
                "YAML syntax: text after the closing quote: put the whole value in quotes "
                "(inside single quotes, write an apostrophe as '')"
            )
        elif at == "-":
            message = (
                "YAML syntax: a '- ' list item out of line: the items of a list line up "
                "with each other, under their key"
            )
        elif at in ("]", "}"):
            message = f"YAML syntax: this '{at}' closes nothing: remove it"
        else:
            message = "YAML syntax: indentation is off: the keys of one mapping must line up"
    elif "mapping values are not allowed" in said and mark is not None:
        line_start = text.rfind("\n", 0, mark.index) + 1
        if ": " in text[line_start : mark.index]:
            # A second ': ' on a line whose key already has one: it is part of the text.
            message = (
                "YAML syntax: text with ': ' in it needs quotes: put the whole value in quotes"
            )
        else:
            # The line's own key: it reads as more text of the line above.
            message = (
                "YAML syntax: this key is indented further than the keys above it, "
                "or the line above it lacks a ':'"
            )
            indent = len(text[line_start : mark.index]) - len(
                text[line_start : mark.index].lstrip(" ")
            )
            mark = _column_mark(mark, indent)
    elif "did not find expected '-' indicator" in said and mark is not None:
        # A block list ran on, and this line is not one of its '- ' items.
        if at == "-" and text[mark.index + 1 : mark.index + 2] not in (" ", "\n", ""):
            message = "YAML syntax: a list item needs a space after its '-'"
        elif at == "-":
            message = "YAML syntax: a '- ' list item indented differently from the ones above it"
        elif exc.context_mark is not None and exc.context_mark.column == mark.column:
            message = (
                "YAML syntax: a key at the level of a list's '- ': indent it to line up with "
                "the keys of the item above, or un-indent it to end the list"
            )
        else:
            message = (
                "YAML syntax: indentation is off: this line lines up neither with the keys "
                "above it nor with the '- ' of their list"
            )
    elif "cannot start any token" in said and at:
        message = f"YAML syntax: a value cannot start with '{at}': put the whole value in quotes"
    else:
        for needle, hint, at_opening in _SYNTAX_HINTS:
            if needle in said:
                message = f"YAML syntax: {hint}"
                if at_opening and exc.context_mark is not None:
                    mark = exc.context_mark
                break
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _failed(label, line, column, "yaml-syntax", message)


def _column_mark(mark: yaml.Mark, column: int) -> yaml.Mark:
    """The same line as ``mark``, at another (0-based) column."""
    index = mark.index - mark.column + column
    return yaml.Mark(mark.name, index, mark.line, column, mark.buffer, mark.pointer)


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
        self.depth_reported = False

    def _error(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.doc.diagnostics.append(
            Diagnostic(self.doc.file, mark.line + 1, mark.column + 1, "error", code, message)
        )

    def value(self, node: yaml.Node, depth: int = 0) -> object:
        if id(node) in self.seen:
            # The composer hands an alias back as the very node its anchor named; walking it
            # again would expand a "billion laughs" file, so stop at the first reuse.
            self._report_alias()
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if depth >= MAX_DEPTH:
            if not self.depth_reported:
                self.depth_reported = True
                self._error(node, "yaml-syntax", _TOO_DEEP)
            return None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node)
                return None
            return [self.value(item, depth + 1) for item in node.value]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        raise AssertionError(f"unknown node {node!r}")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, depth: int) -> object:
        if node.tag != _MAP:
            self._bad_tag(node)
            return None
        result: dict[str, object] = {}
        first_line: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._error(
                    key_node, "yaml-merge", "merge keys (<<) are not supported: write the keys out"
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(
                    key_node, "yaml-key", "a key must be a plain name, not a list or mapping"
                )
                continue
            if key_node.tag not in _KEY_TAGS:
                self._bad_tag(key_node)
                continue
            key = key_node.value
            if key in first_line:
                line, column = first_line[key]
                first = (
                    f"line {line}, column {column}"
                    if line == key_node.start_mark.line + 1
                    else f"line {line}"
                )
                self._error(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first at {first}): "
                    "YAML would silently keep only one of them",
                )
                self.value(value_node, depth + 1)
                continue
            first_line[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.value(value_node, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> object:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        form = _CORE_FORMS.get(tag)
        if form is not None and not form.fullmatch(value):
            # Only an explicit tag ('!!int abc') gives a value a type its text does not fit.
            self._error(
                node,
                "yaml-tag",
                f"'{value[:40]}' is not {_TAG_WORDS[tag]}, as its tag '{_tag_name(tag)}' says: "
                "remove the tag",
            )
            return None
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() == "true"
        if tag == _INT:
            try:
                return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                self._error(node, "invalid-value", f"a number of {len(value)} digits is too long")
                return None
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
