"""The planner that plans the rest of the demo company beside the writer: in a forked child
that spills each table to a file, or in a thread."""

from __future__ import annotations

import os
import pathlib
from typing import Any

import numpy as np
import pytest

from clientbase.accounts.models import Tag
from clientbase.demo.columns import Table
from clientbase.demo.parallel import Emit, Planner

# Earlier tests in the same process may have left native threads (database drivers, DuckDB);
# these children only build and pickle small tables, so Python's warning about forking a
# multi-threaded process does not apply to them.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


def _table(k: int) -> Table:
    t = Table(Tag)
    t.add("id", "int", np.arange(k, k + 3))
    t.add("name", "text", [f"tag {k}-{i}" for i in range(3)])
    return t


def _rest(emit: Emit) -> dict[str, Any]:
    for k in (1, 10, 100):
        emit(_table(k))
    return {"truth": 42}


def _failing_rest(emit: Emit) -> dict[str, Any]:
    emit(_table(1))
    raise ValueError("planted failure")


def _collect(planner: Planner) -> list[Any]:
    out: list[Any] = []
    for item in planner.results():
        if isinstance(item, dict):
            out.append(item)
        else:
            out.append((item.model, item.cols["id"].values.tolist(), item.cols["name"].values))
    return out


EXPECTED = [
    (Tag, [1, 2, 3], ["tag 1-0", "tag 1-1", "tag 1-2"]),
    (Tag, [10, 11, 12], ["tag 10-0", "tag 10-1", "tag 10-2"]),
    (Tag, [100, 101, 102], ["tag 100-0", "tag 100-1", "tag 100-2"]),
    {"truth": 42},
]


@pytest.mark.parametrize("allow_fork", [True, False])
def test_it_hands_over_every_table_in_planning_order_then_the_truth(allow_fork: bool) -> None:
    planner = Planner(_rest, allow_fork=allow_fork)
    planner.start()
    assert _collect(planner) == EXPECTED


def test_it_plans_in_a_forked_child_that_spills_to_a_file_it_removes_afterwards(
    tmp_path: pathlib.Path,
) -> None:
    planner = Planner(_rest, allow_fork=True, spill_dir=tmp_path)
    planner.start()
    if planner._pid == 0:
        pytest.skip("another thread is running in this process, so the planner does not fork")
    spill = planner._spill
    assert spill is not None
    # an unnamed file in the directory given: on disk next to the database, not in /tmp
    link = f"/proc/self/fd/{spill.fileno()}"
    if os.path.exists(link):  # Linux tells where an open file lives
        assert os.path.dirname(os.readlink(link)) == str(tmp_path)
    _collect(planner)
    assert spill.closed
    assert planner._spill is None
    assert planner._pid == 0


@pytest.mark.parametrize("allow_fork", [True, False])
def test_it_raises_the_planners_failure_in_the_writer(allow_fork: bool) -> None:
    planner = Planner(_failing_rest, allow_fork=allow_fork)
    planner.start()
    with pytest.raises((RuntimeError, ValueError), match="planted failure"):
        _collect(planner)
    planner.abandon()


def test_it_reaps_the_child_when_the_writer_gives_up_first() -> None:
    planner = Planner(_rest, allow_fork=True)
    planner.start()
    planner.abandon()
    assert planner._pid == 0
    assert planner._spill is None
