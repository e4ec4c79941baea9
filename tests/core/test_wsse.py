"""WSSE UsernameToken rules: digest, freshness, salts."""

import re

import bcrypt

from camvault.core.wsse import (bcrypt_forms, decoy_salt, digest_matches, is_fresh, password_digest,
                                published_salt)


def test_digest_follows_the_documented_formula():
    import base64
    import hashlib

    expected = base64.b64encode(hashlib.sha1(b"n0nce2024-03-13T19:45:00Zsecret").digest()).decode()
    assert password_digest("n0nce", "2024-03-13T19:45:00Z", "secret") == expected
    assert digest_matches(expected, "n0nce", "2024-03-13T19:45:00Z", ["other", "secret"])
    assert not digest_matches(expected, "n0nce", "2024-03-13T19:45:01Z", ["secret"])


def test_client_bcrypt_with_the_published_salt_matches_a_stored_form():
    stored = bcrypt.hashpw(b"demo", bcrypt.gensalt(10)).decode()
    salt = published_salt(stored)
    assert salt.startswith("$2y$10$") and len(salt) == 29
    client_side = bcrypt.hashpw(b"demo", salt.encode()).decode()
    assert client_side in bcrypt_forms(stored)


def test_freshness_window_is_ten_seconds_either_way():
    assert is_fresh(10_000, 20_000) and is_fresh(30_000, 20_000)
    assert not is_fresh(9_999, 20_000) and not is_fresh(30_001, 20_000)


def test_decoy_salt_is_stable_and_looks_real():
    a = decoy_salt(b"k" * 32, "ghost")
    assert a == decoy_salt(b"k" * 32, "ghost") != decoy_salt(b"k" * 32, "ghost2")
    assert re.fullmatch(r"\$2y\$10\$[./A-Za-z0-9]{22}", a)
    bcrypt.hashpw(b"x", a.encode())     # usable as a salt, like a real one
