"""QR codes (segno) with a fast choice of the data mask.

ISO/IEC 18004 asks the encoder to try the eight data masks and keep the one
with the lowest penalty (N1 runs, N2 blocks, N3 finder-like patterns, N4 dark
share). segno does this module by module in Python, which costs about 25 ms
for the version 10-11 symbol a UPI link with a Devanagari payee name needs:
more than the rest of an invoice PDF. Here the symbol is encoded once (mask 0),
and the eight candidates are scored with whole-row integer and bytes operations
(one byte per module), with exactly segno's rules. The result is the symbol
segno itself would make, module for module (tests/erp_core/test_qr.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

import segno
from segno import encoder

_RUN_OF_FIVE = re.compile(rb"\x00{5,}|\x01{5,}")
_GAP = b"\x00\x00\x00\x00"
_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"


def make(content: str, error: str = "m") -> segno.QRCode:
    """The QR code (not Micro QR) of `content`, as `segno.make(content, error=error, micro=False)` makes it."""
    code = encoder.encode(content, error=error, micro=False, mask=0)
    size = len(code.matrix)
    layout = _layout(code.version)
    rows = [int.from_bytes(row, "big") for row in code.matrix]
    kept = [row & keep for row, keep in zip(rows, layout.keep)]
    kept_columns = [int.from_bytes(bytes(column), "big") for column in zip(*_to_rows(kept, size))]
    scores = [_penalty([r ^ x for r, x in zip(kept, flips)], [c ^ x for c, x in zip(kept_columns, flips_t)], size)
              for flips, flips_t in zip(layout.flips, layout.flips_transposed)]
    mask = scores.index(min(scores))
    matrix = tuple(bytearray(row) for row in _to_rows([r ^ x for r, x in zip(rows, layout.flips[mask])], size))
    encoder.add_format_info(matrix, code.version, code.error, mask)
    return segno.QRCode(encoder.Code(matrix, code.version, code.error, mask, code.segments))


class _Layout:
    """For one version: the modules kept while scoring and, per mask, the modules that flip from mask 0."""

    def __init__(self, version: int) -> None:
        size = encoder.calc_matrix_size(version)
        reserved = encoder.make_matrix(size, size, add_timing=False)
        function = encoder.make_matrix(size, size)
        encoder.add_finder_patterns(function, size, size)
        encoder.add_alignment_patterns(function, size, size)
        function[-8][8] = 0x1
        # segno scores the symbol before the format and version information are written (left
        # light); the two reserved modules on the timing lines hold the timing pattern
        self.keep = [_bits(row[j] != 0x0 or 6 in (i, j) for j in range(size)) for i, row in enumerate(reserved)]
        masks = encoder.get_data_mask_functions(False)
        flips = [[bytes(bool(function[i][j] > 0x1 and (masks[0](i, j) != mask(i, j))) for j in range(size))
                  for i in range(size)] for mask in masks]
        self.flips = [[int.from_bytes(row, "big") for row in rows] for rows in flips]
        self.flips_transposed = [[int.from_bytes(bytes(column), "big") for column in zip(*rows)] for rows in flips]


@lru_cache(maxsize=8)
def _layout(version: int) -> _Layout:
    return _Layout(version)


def _bits(values: object) -> int:
    return int.from_bytes(bytes(bool(v) for v in values), "big")  # type: ignore[attr-defined]


def _to_rows(values: list[int], size: int) -> list[bytes]:
    return [value.to_bytes(size, "big") for value in values]


def _penalty(rows: list[int], columns: list[int], size: int) -> int:
    """N1 + N2 + N3 + N4 of a candidate symbol given as rows and columns (one byte per module)."""
    # all rows and columns in one string each: runs counted across a separator no module has,
    # finder-like patterns across four light modules (a line's ends read as light, as in segno)
    lines = [value.to_bytes(size, "big") for value in (*rows, *columns)]
    runs = _RUN_OF_FIVE.findall(b"\x02".join(lines))
    n1 = sum(map(len, runs)) - 2 * len(runs)
    full = int.from_bytes(b"\x01" * size, "big")
    n2 = 0
    for upper, lower in zip(rows, rows[1:]):
        dark = upper & lower
        light = full ^ (upper | lower)
        n2 += 3 * ((dark & (dark >> 8)).bit_count() + (light & (light >> 8)).bit_count())
    n3 = _finder_like(_GAP + _GAP.join(lines) + _GAP)
    percent = sum(row.bit_count() for row in rows) / (size ** 2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def _finder_like(lines: bytes) -> int:
    """N3: 1:1:3:1:1 with four light modules before or after (segno's reading, search resumed the same way)."""
    count, at = 0, lines.find(_FINDER_LIKE)
    while at != -1:
        end = at + 7
        if lines[at - 4:at] == _GAP or lines[end:end + 4] == _GAP:
            count += 40
        else:
            end = at + 4
        at = lines.find(_FINDER_LIKE, end)
    return count
