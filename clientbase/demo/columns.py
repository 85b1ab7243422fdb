"""Column-oriented rows as the planner builds them and the writer consumes them.

Every value stays in numpy until the last moment: integers, integer kopecks, epoch seconds
and epoch days. Only the writer turns them into what the database driver wants.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from django.db import models

from clientbase.core.text import fold

Kind = Literal["int", "bool", "money", "dec", "datetime", "date", "time", "text"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
StrArr = npt.NDArray[np.str_]

NULL_INT = np.iinfo(np.int64).min  # sentinel for NULL in integer-coded columns


@dataclass
class Col:
    """One column. `values` is an int64 array for every kind but text/time (strings).

    money: integer kopecks (two places); dec: integer scaled by 10**scale;
    datetime: epoch seconds UTC; date: epoch days; int columns may hold NULL_INT.
    """

    kind: Kind
    values: Any
    scale: int = 2

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class Table:
    model: type[models.Model]
    cols: dict[str, Col] = field(default_factory=dict)

    @property
    def n(self) -> int:
        first = next(iter(self.cols.values()), None)
        return 0 if first is None else len(first)

    # Pickled by model label: auto-created through models cannot be found by import path.
    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model._meta.label, "cols": self.cols}

    def __setstate__(self, state: dict[str, Any]) -> None:
        from django.apps import apps

        self.model = apps.get_model(state["model"])
        self.cols = state["cols"]

    def add(self, attname: str, kind: Kind, values: Any, scale: int = 2) -> None:
        if kind != "text" and kind != "time":
            values = np.asarray(values, dtype=np.int64)
        self.cols[attname] = Col(kind, values, scale)


# Names repeat (vocabularies are finite): fold each distinct one once.
fold_cached = functools.lru_cache(maxsize=1 << 20)(fold)


def ints(a: Any) -> I64:
    return np.asarray(a, dtype=np.int64)


def nullable(ids: I64, mask: B) -> I64:
    """ids where mask is True, NULL elsewhere."""
    return np.where(mask, ids, NULL_INT).astype(np.int64)


def take_str(vocab: list[str] | StrArr, idx: Any) -> StrArr:
    return np.asarray(vocab, dtype=np.str_)[np.asarray(idx, dtype=np.int64)]


def cat(*parts: Any) -> StrArr:
    """Element-wise string concatenation of arrays and scalars."""
    out: Any = np.asarray(parts[0], dtype=np.str_)
    for p in parts[1:]:
        out = np.strings.add(out, np.asarray(p, dtype=np.str_))
    return np.asarray(out, dtype=np.str_)


def money_str(cents: I64) -> StrArr:
    """Integer kopecks → exact decimal text "123.45" (vectorised, no float)."""
    return dec_str(cents, 2)


_FRAC_CACHE: dict[int, StrArr] = {}


def dec_str(scaled: I64, scale: int) -> StrArr:
    scaled = np.asarray(scaled, dtype=np.int64)
    neg = scaled < 0
    mag = np.abs(scaled)
    if scale == 0:
        body = mag.astype(np.str_)
    else:
        unit = 10**scale
        whole = (mag // unit).astype(np.str_)
        frac = mag % unit
        if scale <= 4:
            table = _FRAC_CACHE.get(scale)
            if table is None:
                table = np.asarray([f".{i:0{scale}d}" for i in range(unit)], dtype=np.str_)
                _FRAC_CACHE[scale] = table
            body = np.strings.add(whole, table[frac])
        else:
            frac_s = np.strings.zfill(frac.astype(np.str_), scale)
            body = np.strings.add(np.strings.add(whole, "."), frac_s)
    if neg.any():
        body = np.where(neg, np.strings.add("-", body), body)
    return np.asarray(body, dtype=np.str_)
