"""No false accept: no mutation of a genuine token is valid, unless it is a genuine token.

Mutations: a bit flipped anywhere, two tokens spliced, cut short, padded, a symbol put in,
taken out or replaced, parts swapped between tokens. Whitespace is ignored by design (a
token may be wrapped over lines), so "the same token" means the same after removing it.
"""

from __future__ import annotations

from certificate_support import BEFORE_EXPIRY, KEY, OTHER_KEY, make_token, trust_of
from hypothesis import event, given, settings
from hypothesis import strategies as st

from trainer.certificates.verify import STATUSES, verify

ORIGINAL = make_token()
SECOND = make_token(learner_name="José Núñez", badge="5120")
FOREIGN = make_token(OTHER_KEY)
GENUINE = {ORIGINAL, SECOND, FOREIGN}
TRUST = trust_of(KEY, OTHER_KEY)
SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n"


def _flip(token: str, data: st.DataObject) -> str | bytes:
    raw = bytearray(token.encode())
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= 1 << data.draw(st.integers(0, 7))
    return bytes(raw)


def _splice(token: str, data: st.DataObject) -> str:
    other = data.draw(st.sampled_from(sorted(GENUINE)))
    return (
        token[: data.draw(st.integers(0, len(token)))]
        + other[data.draw(st.integers(0, len(other))) :]
    )


def _truncate(token: str, data: st.DataObject) -> str:
    return token[: data.draw(st.integers(0, len(token) - 1))]


def _pad(token: str, data: st.DataObject) -> str:
    parts = token.split(".")
    index = data.draw(st.integers(0, len(parts) - 1))
    parts[index] += "=" * data.draw(st.integers(1, 3))
    return ".".join(parts)


def _insert(token: str, data: st.DataObject) -> str:
    index = data.draw(st.integers(0, len(token)))
    return token[:index] + data.draw(st.sampled_from(SYMBOLS)) + token[index:]


def _delete(token: str, data: st.DataObject) -> str:
    index = data.draw(st.integers(0, len(token) - 1))
    return token[:index] + token[index + 1 :]


def _replace(token: str, data: st.DataObject) -> str:
    index = data.draw(st.integers(0, len(token) - 1))
    return token[:index] + data.draw(st.sampled_from(SYMBOLS)) + token[index + 1 :]


def _swap_part(token: str, data: st.DataObject) -> str:
    parts = token.split(".")
    other = data.draw(st.sampled_from(sorted(GENUINE))).split(".")
    index = data.draw(st.integers(0, min(len(parts), 3) - 1))
    parts[index] = other[index]
    return ".".join(parts)


MUTATIONS = [_flip, _splice, _truncate, _pad, _insert, _delete, _replace, _swap_part]


def _same_token(mutant: str | bytes) -> str | None:
    try:
        text = mutant.decode() if isinstance(mutant, bytes) else mutant
    except UnicodeDecodeError:
        return None
    joined = "".join(text.split())
    return joined if joined in GENUINE else None


@settings(max_examples=1500, deadline=None)
@given(st.data())
def test_no_mutation_is_valid_unless_it_is_a_genuine_token(data: st.DataObject) -> None:
    mutant: str | bytes = data.draw(st.sampled_from([ORIGINAL, SECOND]))
    for _ in range(data.draw(st.integers(1, 3))):
        mutation = data.draw(st.sampled_from(MUTATIONS))
        text = mutant.decode("latin-1") if isinstance(mutant, bytes) else mutant
        mutant = mutation(text or ".", data)
    verdict = verify(mutant, TRUST, now=BEFORE_EXPIRY)
    event(verdict.status)
    assert verdict.status in STATUSES
    assert verdict.reason
    if verdict.status == "valid":
        assert _same_token(mutant) is not None, f"false accept: {mutant!r}"
