"""Deterministic demo company generator: `generate(scale="S", seed=1)`."""

from __future__ import annotations

from clientbase.demo.generator import SCALES, GenerationSummary, generate

__all__ = ["SCALES", "GenerationSummary", "generate"]
