"""Session tokens: signed claims round-trip, any change to a field or the key breaks the signature,
expiry is exclusive, malformed text is no claim."""

from __future__ import annotations

import pytest

from camvault.core.session_token import SessionClaim, is_live, read, session_key, sign

KEY = session_key(b"\x01" * 32)


def test_a_signed_claim_reads_back():
    claim = SessionClaim(7, 1_700_000_000_000, "n0nce-abcdef")
    token = sign(KEY, claim)
    assert token.startswith("7.1700000000000.n0nce-abcdef.")
    assert read(KEY, token) == claim


@pytest.mark.parametrize("field", [0, 1, 2])
def test_a_changed_field_is_refused(field):
    parts = sign(KEY, SessionClaim(7, 1_700_000_000_000, "n0nce-abcdef")).split(".")
    parts[field] = {0: "1", 1: "1800000000000", 2: "n0nce-abcdeg"}[field]
    assert read(KEY, ".".join(parts)) is None


def test_another_key_is_refused():
    token = sign(KEY, SessionClaim(7, 1_700_000_000_000, "n0nce-abcdef"))
    assert read(session_key(b"\x02" * 32), token) is None
    assert session_key(b"\x01" * 32) != b"\x01" * 32


@pytest.mark.parametrize("token", ["", "garbage", "7.1.n0nce-abcdef", "a.1.n0nce-abcdef." + "A" * 43,
                                   "7.1.n0nce-abcdef." + "A" * 42, "7.1.bad nonce!." + "A" * 43])
def test_malformed_tokens_are_no_claim(token):
    assert read(KEY, token) is None


def test_expiry_is_exclusive():
    claim = SessionClaim(1, 5_000, "n0nce-abcdef")
    assert is_live(claim, 4_999) and not is_live(claim, 5_000)


def test_an_unsignable_claim_is_an_error():
    with pytest.raises(ValueError):
        sign(KEY, SessionClaim(1, 5_000, "short"))
