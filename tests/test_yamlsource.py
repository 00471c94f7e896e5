"""parse_yaml: YAML 1.2 scalars, plain values only, and every refusal located."""

from __future__ import annotations

import pytest

from trainer.content.yamlsource import MAX_DEPTH, parse_yaml


def _data(text: str) -> object:
    doc = parse_yaml(text.encode(), "f.yaml")
    assert doc.diagnostics == []
    return doc.data


def _messages(raw: bytes | str) -> list[str]:
    """The diagnostics of parsing ``raw``, formatted; asserts the parse refused it."""
    doc = parse_yaml(raw.encode() if isinstance(raw, str) else raw, "f.yaml")
    assert not doc.ok
    return [d.format() for d in doc.diagnostics]


# --- YAML 1.2 scalars -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("Yes", "Yes"),
        ("y", "y"),
        ("23:14", "23:14"),
        ("1:30", "1:30"),
        ("2026-01-05", "2026-01-05"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("1.0", 1.0),
        ("12", 12),
        ("-3", -3),
        ("012", 12),
        ("0x1F", 31),
        ("0o17", 15),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("'12'", "12"),
    ],
)
def test_scalars_read_the_yaml_1_2_way(text: str, value: object) -> None:
    data = _data(f"key: {text}\n")
    assert data == {"key": value}
    assert type(data["key"]) is type(value)  # type: ignore[index]


def test_explicit_str_tag_keeps_text() -> None:
    assert _data("a: !!str 12\n") == {"a": "12"}


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_yaml(b"\xef\xbb\xbfa: b\n", "f.yaml").data == {"a": "b"}


def test_duplicate_keys_are_located_at_the_second() -> None:
    assert _messages("a: 1\nb: 2\na: 3\n") == [
        "f.yaml:3:1: error: duplicate key 'a' (first at line 1): "
        "YAML would silently keep only one of them"
    ]


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system [echo]",
        "!!python/object/new:os.system [echo]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!binary aGVsbG8=",
        "!!set {a}",
        "!!timestamp 2026-01-05",
    ],
)
def test_tags_beyond_plain_values_are_refused(tag: str) -> None:
    doc = parse_yaml(f"a: {tag}\n".encode(), "f.yaml")
    assert [(d.line, d.column, d.code) for d in doc.diagnostics] == [(1, 4, "yaml-tag")]
    assert doc.data == {"a": None}


def test_a_tag_on_a_key_is_named_as_a_tag() -> None:
    assert _messages("!!python/name:os.system : 1\n") == [
        "f.yaml:1:1: error: tag '!!python/name:os.system' is not allowed: course files hold "
        "only text, numbers, true/false, lists and mappings"
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("!!int abc", "'abc' is not a whole number, as its tag '!!int' says"),
        ("!!int 1_000", "'1_000' is not a whole number, as its tag '!!int' says"),
        ("!!float abc", "'abc' is not a number, as its tag '!!float' says"),
        ("!!bool yes", "'yes' is not true or false, as its tag '!!bool' says"),
        ("!!null x", "'x' is not an empty value, as its tag '!!null' says"),
    ],
)
def test_explicit_core_tags_must_fit_their_value(text: str, words: str) -> None:
    assert _messages(f"a: {text}\n") == [f"f.yaml:1:4: error: {words}: remove the tag"]


def test_a_number_too_long_to_convert_is_refused() -> None:
    assert _messages("a: " + "9" * 5000 + "\n") == [
        "f.yaml:1:4: error: a number of 5000 digits is too long"
    ]


def test_alias_bomb_is_refused_at_the_first_alias_and_never_expanded() -> None:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    doc = parse_yaml(("\n".join(levels) + "\n").encode(), "f.yaml")
    assert [(d.line, d.column, d.code) for d in doc.diagnostics] == [(2, 8, "yaml-alias")]
    # Expanded, 'i' alone would hold 9**8 lists; the walk stops at each reused node instead.
    assert isinstance(doc.data, dict)
    assert doc.data["a"] == ["lol"] * 9
    assert doc.data["i"] == [None] * 9


def test_merge_key_is_refused_as_a_merge() -> None:
    assert _messages("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n") == [
        "f.yaml:3:3: error: merge keys (<<) are not supported: write the keys out"
    ]


def test_nesting_is_limited() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert _messages(deep) == [
        f"f.yaml:1:{4 + MAX_DEPTH - 1}: error: lists and mappings nest more than {MAX_DEPTH} "
        "levels deep: a course file needs only a few levels"
    ]


def test_nesting_deeper_than_the_parser_allows_is_a_located_error() -> None:
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    [message] = _messages(deep)
    assert message.startswith("f.yaml:1:")
    assert "nest too deeply" in message


def test_deep_block_mappings_do_not_exhaust_the_stack() -> None:
    deep = "".join(" " * i + "k:\n" for i in range(900)) + " " * 900 + "v\n"
    [message] = _messages(deep)
    assert f"nest more than {MAX_DEPTH} levels deep" in message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfea\x00:\x00", "f.yaml:1:1: error: file is saved as UTF-16: save it as UTF-8"),
        (
            b"a: b\nc: d\x00\n",
            "f.yaml:2:5: error: a zero byte (U+0000): is the file saved as UTF-16? "
            "save it as UTF-8",
        ),
        (
            "a: \u00e9\u00e9\u00e9\n".encode() + b"b: \xe9t\xe9\n",
            "f.yaml:2:4: error: byte 0xE9 is not valid UTF-8: save the file as UTF-8",
        ),
    ],
)
def test_encoding_problems_are_located(raw: bytes, message: str) -> None:
    assert _messages(raw) == [message]


def test_control_character_column_counts_characters_not_bytes() -> None:
    # libyaml reports a byte offset: three two-byte letters must not shift the column.
    assert _messages("a: \u00e9\u00e9\u00e9\x07\n") == [
        "f.yaml:1:7: error: YAML syntax: control character U+0007 is not allowed in a YAML file"
    ]


def test_syntax_error_column_counts_characters() -> None:
    assert _messages("title: '\u00e9t\u00e9's'\n") == [
        "f.yaml:1:13: error: YAML syntax: text after the closing quote: put the whole value "
        "in quotes (inside single quotes, write an apostrophe as '')"
    ]


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("a: b\nc\n", "2:1", "a line with no ':' where a key belongs"),
        ("a:\n  - x\n  b: 1\n", "3:3", "a key at the level of a list's '- '"),
        ("a:\n  - x\n  -y: 1\n", "3:3", "a list item needs a space after its '-'"),
        ("a:\n  - x\n - y\n", "3:2", "a '- ' list item out of line"),
        ("a: [x]]\n", "1:7", "this ']' closes nothing"),
        ("a: `x`\n", "1:4", "a value cannot start with '`'"),
        ("a: b: c\n", "1:5", "text with ': ' in it needs quotes"),
        ("a:\n  b: 1\n   c: 2\n", "3:4", "this key is indented further than the keys above it"),
        ('a: "C:\\d"\n', "1:7", "a backslash in double quotes"),
        ("a: *nowhere\n", "1:4", "aliases (*name) are not supported"),
    ],
)
def test_syntax_errors_say_what_to_fix(text: str, location: str, words: str) -> None:
    [message] = _messages(text)
    assert message.startswith(f"f.yaml:{location}: error: YAML syntax: {words}")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n", "null\n"])
def test_empty_documents_are_one_message(text: str) -> None:
    assert _messages(text) == [
        "f.yaml:1:1: error: file is empty: it holds no keys or values, only comments or "
        "nothing at all"
    ]


def test_position_of_a_key_and_of_its_value() -> None:
    doc = parse_yaml(b"a:\n  b: [1, 2]\n", "f.yaml")
    assert doc.position(("a", "b")) == (2, 6)
    assert doc.position(("a", "b"), key=True) == (2, 3)
    assert doc.position(("a", "b", 1)) == (2, 10)
    # A missing key stops at the deepest node on the way.
    assert doc.position(("a", "missing")) == (2, 3)
