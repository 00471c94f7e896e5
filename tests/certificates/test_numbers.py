"""Certificate numbers: unguessable, read aloud, typed back loosely, misreads caught."""

from __future__ import annotations

import re

import pytest

from trainer.certificates.errors import CertificateError
from trainer.certificates.numbers import ALPHABET, check_symbol, new_number, normalize_number

SHAPE = re.compile(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}")


def test_new_numbers_are_four_groups_of_four_and_all_different() -> None:
    numbers = {new_number() for _ in range(2000)}
    assert len(numbers) == 2000
    assert all(SHAPE.fullmatch(n) for n in numbers)
    assert all(normalize_number(n) == n for n in numbers)


def test_reading_back_forgives_case_dashes_spaces_and_look_alike_letters() -> None:
    body = "0K1M-QX0A-9RT1-E5W"
    number = body + check_symbol(body.replace("-", ""))
    assert normalize_number(number) == number
    typed = number.lower().replace("-", "").replace("0", "o").replace("1", "l")
    assert normalize_number(typed) == number
    assert normalize_number(f"  {number.replace('1', 'I').replace('-', ' ')}\n") == number


def test_every_single_misread_symbol_is_caught() -> None:
    number = new_number().replace("-", "")
    for position in range(len(number)):
        for symbol in ALPHABET:
            if symbol == number[position]:
                continue
            changed = number[:position] + symbol + number[position + 1 :]
            with pytest.raises(CertificateError, match="check symbol does not match"):
                normalize_number(changed)


def test_most_swaps_of_neighbours_are_caught() -> None:
    caught = swaps = 0
    for _ in range(50):
        number = new_number().replace("-", "")
        for i in range(len(number) - 1):
            if number[i] == number[i + 1]:
                continue
            swaps += 1
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            try:
                normalize_number(swapped)
            except CertificateError:
                caught += 1
    assert caught / swaps > 0.9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "'' is not a certificate number: it has 0 symbols, a certificate number has 16 "
            "(4 groups of 4, like 7K3M-QX2A-9RTD-E5W5)",
        ),
        (
            "7K3M-QX2A-9RTD",
            "'7K3M-QX2A-9RTD' is not a certificate number: it has 12 symbols, a certificate "
            "number has 16 (4 groups of 4, like 7K3M-QX2A-9RTD-E5W5)",
        ),
        (
            "7K3M-QX2A-9RTD-E5WU",
            "'7K3M-QX2A-9RTD-E5WU' is not a certificate number: 'U' cannot appear in one "
            "(they use the digits and the letters A-Z without I, L, O and U)",
        ),
        (
            "7K3M_QX2A",
            "'7K3M_QX2A' is not a certificate number: '_' cannot appear in one (they use the "
            "digits and the letters A-Z without I, L, O and U)",
        ),
        (
            "7K3M-QX2A-9RTD-E5W6",
            "7K3M-QX2A-9RTD-E5W6 is not a valid certificate number: its check symbol does not "
            "match (a symbol was misread or mistyped)",
        ),
    ],
)
def test_garbage_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(CertificateError) as caught:
        normalize_number(text)
    assert str(caught.value) == message


def test_a_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(CertificateError) as caught:
        normalize_number("A" * 100_000)
    assert str(caught.value).startswith("'" + "A" * 37 + "...' is not a certificate number")
    assert len(str(caught.value)) < 200
