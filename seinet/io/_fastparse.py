"""A numba tokenizer for the atom lines of extended XYZ frames: species then numeric columns.

Used after the first frame, when the element of every atom is known: each line's
species token is checked against it and the numeric columns are parsed straight into
a float array. Anything unexpected (another element, a missing or extra field, a
token that is not a number) returns a failure code and the caller falls back to the
general pandas parser, which reports the problem properly.

Number syntax: optional sign, digits, optional fraction, optional exponent, and
``nan``/``inf``/``infinity``. Up to 18 significant digits are read exactly and scaled by an exact
power of ten (correctly rounded for the usual ``%.8f``-style output); longer mantissas
lose only digits beyond double precision.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["parse_atom_block", "symbol_codes"]

_POW10 = np.array([10.0 ** k for k in range(23)])


def symbol_codes(symbols: np.ndarray) -> np.ndarray:
    """Elements as an (N, 2) uint8 array (second byte 0 for one-letter symbols)."""
    out = np.zeros((len(symbols), 2), dtype=np.uint8)
    for i, s in enumerate(symbols.tolist()):
        b = s.encode()
        out[i, : len(b)] = np.frombuffer(b[:2], dtype=np.uint8)
    return out


@njit(cache=True, nogil=True)
def _number(buf, p, end, pow10):
    """Parse a number starting at ``p``; returns (value, next position, ok)."""
    sign = 1.0
    if p < end and (buf[p] == 45 or buf[p] == 43):  # - +
        if buf[p] == 45:
            sign = -1.0
        p += 1
    if p + 2 < end and (buf[p] | 32) == 110 and (buf[p + 1] | 32) == 97 and (buf[p + 2] | 32) == 110:  # nan
        return np.nan, p + 3, True
    if p + 2 < end and (buf[p] | 32) == 105 and (buf[p + 1] | 32) == 110 and (buf[p + 2] | 32) == 102:  # inf
        q = p + 3
        if q + 4 < end and (buf[q] | 32) == 105 and (buf[q + 1] | 32) == 110 and (buf[q + 2] | 32) == 105 \
                and (buf[q + 3] | 32) == 116 and (buf[q + 4] | 32) == 121:  # inity
            q += 5
        return sign * np.inf, q, True
    mant = 0
    digits = 0
    scale = 0
    seen = False
    while p < end and 48 <= buf[p] <= 57:
        if digits < 18:
            mant = mant * 10 + (buf[p] - 48)
            if mant:
                digits += 1
        else:
            scale += 1
        p += 1
        seen = True
    if p < end and buf[p] == 46:  # .
        p += 1
        while p < end and 48 <= buf[p] <= 57:
            if digits < 18:
                mant = mant * 10 + (buf[p] - 48)
                if mant:
                    digits += 1
                scale -= 1
            p += 1
            seen = True
    if not seen:
        return 0.0, p, False
    if p < end and (buf[p] | 32) == 101:  # e E
        p += 1
        esign = 1
        if p < end and (buf[p] == 45 or buf[p] == 43):
            if buf[p] == 45:
                esign = -1
            p += 1
        e = 0
        got = False
        while p < end and 48 <= buf[p] <= 57:
            e = e * 10 + (buf[p] - 48)
            p += 1
            got = True
        if not got:
            return 0.0, p, False
        scale += esign * e
    value = float(mant)
    if scale < 0:
        if scale >= -22:
            value = value / pow10[-scale]
        else:
            value = value * 10.0 ** scale
    elif scale > 0:
        if scale <= 22:
            value = value * pow10[scale]
        else:
            value = value * 10.0 ** scale
    return sign * value, p, True


@njit(cache=True, nogil=True)
def _parse(buf, n, ncol, keep, codes, out):
    end = buf.shape[0]
    p = 0
    for i in range(n):
        while p < end and (buf[p] == 32 or buf[p] == 9):
            p += 1
        s0 = p
        while p < end and buf[p] > 32:
            p += 1
        length = p - s0
        if length < 1 or length > 2 or buf[s0] != codes[i, 0]:
            return i + 1
        if length == 2 and buf[s0 + 1] != codes[i, 1]:
            return i + 1
        if length == 1 and codes[i, 1] != 0:
            return i + 1
        k = 0
        for c in range(1, ncol):
            while p < end and (buf[p] == 32 or buf[p] == 9):
                p += 1
            if not keep[c]:  # a column nobody asked for: skip the token unparsed
                q = p
                while q < end and buf[q] > 32:
                    q += 1
                if q == p:
                    return i + 1
                p = q
                continue
            value, q, ok = _number(buf, p, end, _POW10)
            if not ok or (q < end and buf[q] > 32):
                return i + 1
            p = q
            if keep[c]:
                out[i, k] = value
                k += 1
        while p < end and (buf[p] == 32 or buf[p] == 9 or buf[p] == 13):
            p += 1
        if p < end and buf[p] != 10:
            return i + 1  # extra fields
        p += 1
    return 0


def parse_atom_block(body: bytes, n: int, ncol: int, keep: np.ndarray, codes: np.ndarray) -> np.ndarray | None:
    """Numeric columns ``keep`` (bool per column, column 0 the species) of ``n`` atom lines.

    Returns an (n, keep.sum()) float array, or None when anything differs from the
    expected layout (the caller then uses the general parser).
    """
    out = np.empty((n, int(keep.sum())), dtype=np.float64)
    status = _parse(np.frombuffer(body, dtype=np.uint8), n, ncol, keep, codes, out)
    return out if status == 0 else None
