"""Hostile input for the fuzz tests of every server: malformed, oversized, deeply nested and wrongly encoded bodies
(hypothesis strategies), and a raw HTTP/1.1 client for what httpx refuses to send (NUL or CR in a header).

Bodies are bytes as they travel; what each server must do with them (a 4xx, never a 5xx, nothing half-written) is
asserted by the tests that use them.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from hypothesis import strategies as st

HUGE_NUMBERS = (b"9" * 5000, b"-" + b"9" * 5000, b"1e999999", b"-1e-999999", b"1" + b"0" * 400 + b".5",
                b"NaN", b"Infinity", b"-Infinity", b"0x10", b"1_000", b"+1", b"01")
"""Number literals that are too long, too large, not JSON at all, or JSON only to Python (NaN, Infinity)."""
BAD_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82")
"""Invalid UTF-8: stray bytes, a truncated sequence, an overlong '/', an encoded surrogate, a code point > U+10FFFF."""
CONTENT_TYPES = ("application/json", "application/json; charset=utf-16", "text/plain", "application/xml",
                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=zzz",
                 "multipart/form-data", "application/octet-stream", "", "\x7f/\x7f")

hostile_text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),  # NUL, lone surrogates, any plane
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "\udfff x", "\u202e\u200b", "null", "-1", "0",
                     "1e999999", "९९९", "x" * 70_000, "अ" * 20_000, "<script>alert(1)</script>", "' OR 1=1 --",
                     "../../etc/passwd", "%00", "\r\n\r\n"]),
)
"""Text no well-behaved client sends: control characters, lone surrogates, very long, markup, injection."""

hostile_scalars = st.one_of(
    st.none(), st.booleans(), hostile_text,
    st.integers(), st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_values = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=12,
)
"""Any JSON value (and NaN / Infinity, which Python's json writes) with hostile leaves and keys."""


_PLACEHOLDER = "\x01number goes here\x01"


def encode(value: Any) -> bytes:
    """`value` as a JSON body (lone surrogates escaped, so the bytes stay ASCII)."""
    return json.dumps(value).encode()


def nested(depth: int, kind: str = "list") -> bytes:
    """A JSON value nested `depth` levels deep: `[[[...]]]` or `{"a":{"a":...}}`."""
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def with_field(template: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of `template` with the field at `path` (keys and list indexes) set to `value`."""
    copy = json.loads(json.dumps(template))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def field_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON value (a template's fields, at every depth)."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    return [path for key, inner in items for path in ((*prefix, key), *field_paths(inner, (*prefix, key)))]


@st.composite
def mutated(draw: st.DrawFn, template: dict[str, Any]) -> bytes:
    """A valid body with one field given a wrong type or a hostile value, removed, or joined by an unknown one."""
    paths = field_paths(template)
    how = draw(st.sampled_from(["replace", "replace", "replace", "drop", "extra"]))
    if how == "extra" or not paths:
        return encode({**template, draw(hostile_text): draw(json_values)})
    path = draw(st.sampled_from(paths))
    if how == "drop":
        body = json.loads(json.dumps(template))
        target = body
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
        return encode(body)
    return encode(with_field(template, path, draw(json_values)))


@st.composite
def malformed_json(draw: st.DrawFn, template: dict[str, Any]) -> bytes:
    """A valid body broken as bytes: truncated, a huge number, invalid UTF-8, a BOM, UTF-16, NUL bytes, garbage."""
    good = encode(template)
    how = draw(st.sampled_from(["truncate", "number", "utf8", "bom", "utf16", "nul", "trailing"]))
    cut = draw(st.integers(0, len(good)))
    if how == "truncate":
        return good[:cut]
    if how == "number" and field_paths(template):
        path = draw(st.sampled_from(field_paths(template)))
        return encode(with_field(template, path, _PLACEHOLDER)).replace(
            encode(_PLACEHOLDER), draw(st.sampled_from(HUGE_NUMBERS)))
    if how == "utf8":
        return good.replace(b'"', b'"' + draw(st.sampled_from(BAD_UTF8)), 1)
    if how == "bom":
        return b"\xef\xbb\xbf" + good
    if how == "utf16":
        return json.dumps(template).encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])))
    if how == "nul":
        return good[:cut] + b"\x00" + good[cut:]
    return good + draw(st.sampled_from([b"}", b" garbage", b"\x00", b"{}", b"\xff"]))


def hostile_bodies(template: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """Every kind of bad body for an endpoint whose good body looks like `template`."""
    return st.one_of(
        mutated(template),
        malformed_json(template),
        json_values.map(encode),
        st.sampled_from([1, 10, 100, 1_000, 10_000, 100_000]).flatmap(
            lambda depth: st.sampled_from([nested(depth), nested(depth, "dict")])),
        st.binary(max_size=300),
        st.sampled_from([b"", b"null", b"[]", b"{}", b'""', b"0", b"true", b"{" * 3, b"\x00" * 64]),
    )


def raw_request(host: str, port: int, request: bytes, timeout: float = 30) -> int:
    """Send bytes as an HTTP/1.1 request on a new connection and return the response's status code
    (0 when the server closed the connection without an answer)."""
    with socket.create_connection((host, port), timeout=timeout) as connection:
        connection.sendall(request)
        received = b""
        while b"\r\n" not in received:
            chunk = connection.recv(4096)
            if not chunk:
                return 0
            received += chunk
    return int(received.split(b" ", 2)[1])


def http_request(method: str, path: str, host: str, headers: dict[str, bytes], body: bytes = b"") -> bytes:
    """A raw HTTP/1.1 request (header values as given, bytes and all) with Content-Length and Connection: close."""
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + host.encode()]
    lines += [name.encode() + b": " + value for name, value in headers.items()]
    lines += [b"Content-Length: " + str(len(body)).encode(), b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
