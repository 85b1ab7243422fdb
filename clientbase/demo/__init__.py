"""Deterministic demo company generator: `generate(scale="S", seed=1)`.

Imported lazily so that `import clientbase.demo` works before Django is set up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clientbase.demo.generator import SCALES, GenerationSummary, generate

__all__ = ["SCALES", "GenerationSummary", "generate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from clientbase.demo import generator

        return getattr(generator, name)
    raise AttributeError(name)
