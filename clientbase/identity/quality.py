"""Precision and recall of found pairs against the demo generator's planted duplicates.

Used by the benchmark and the regression test only: matching itself never reads the truth.
"""

from __future__ import annotations

import itertools
import json
import pathlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clientbase.identity.keys import name_key

SCRIPTS = ("ru", "fa", "en")


@dataclass(frozen=True)
class Quality:
    found: int
    true: int
    hits: int

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.true if self.true else 1.0


def planted_pairs(truth_path: pathlib.Path) -> dict[tuple[int, int], str]:
    """Every pair inside a planted cluster → the script of its duplicate."""
    truth: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
    pairs: dict[tuple[int, int], str] = {}
    for cluster in truth["duplicates"]["clusters"]:
        ids = [cluster["true_id"], *cluster["duplicate_ids"]]
        script = dict(zip(cluster["duplicate_ids"], cluster["scripts"], strict=True))
        for a, b in itertools.combinations(sorted(ids), 2):
            pairs[(a, b)] = script.get(b) or script.get(a) or "en"
    return pairs


def script_of(text: str) -> str:
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return "fa"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    return "en"


def measure(
    found: Iterable[tuple[int, int]],
    planted: dict[tuple[int, int], str],
    names: dict[int, str],
) -> dict[str, Quality]:
    """Overall and per-script quality; a found pair's script is its left account's name's."""
    found_set = set(found)
    out = {"all": Quality(len(found_set), len(planted), len(found_set & planted.keys()))}
    for script in SCRIPTS:
        true = {p for p, s in planted.items() if s == script}
        mine = {
            p
            for p in found_set
            if (p in planted and planted[p] == script)
            or (p not in planted and script_of(name_key(names.get(p[0], ""))) == script)
        }
        out[script] = Quality(len(mine), len(true), len(mine & true))
    return out
