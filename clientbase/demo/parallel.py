"""Plan the rest of the company on the second core while the first tables are written.

Where the platform can fork, the rest is planned in a child process: it shares the plan so
far (copy-on-write, nothing to pickle on the way in), never touches the database, and
spills each table to a temporary file as soon as it is planned, so neither process ever
holds all of them at once (at scale L they are gigabytes). The pipe only says how it ended.
Elsewhere (no fork), a thread it is, handing tables over a queue.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import pickle
import queue
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import IO, Any

from clientbase.demo.columns import Table

Emit = Callable[[Table], None]
Rest = Callable[[Emit], dict[str, Any]]
Item = Table | dict[str, Any]


class Planner:
    def __init__(
        self, rest: Rest, *, allow_fork: bool = True, spill_dir: pathlib.Path | None = None
    ) -> None:
        self._rest: Rest | None = rest
        self.allow_fork = allow_fork
        # Next to the database rather than in /tmp, which may be memory (tmpfs): at scale L
        # the spilled tables are gigabytes.
        self.spill_dir = spill_dir
        self.seconds = 0.0
        self._pid = 0
        self._read = -1
        self._spill: IO[bytes] | None = None
        self._queue: queue.Queue[Item | BaseException] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Call before opening the write transaction: the child must not inherit one."""
        if self.allow_fork and hasattr(os, "fork") and threading.active_count() == 1:
            spill = tempfile.TemporaryFile(prefix="clientbase-demo-", dir=self.spill_dir)  # noqa: SIM115 - closed in results/abandon
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: plan, spill, and leave without running any cleanup
                os.close(read)
                self._child(write, spill)
            os.close(write)
            self._pid, self._read, self._spill = pid, read, spill
            # The parent never plans: let go of the plan's arrays as soon as the tables
            # that share them have been written.
            self._rest = None
        else:
            self._thread = threading.Thread(target=self._in_thread, name="demo-planner")
            self._thread.daemon = True
            self._thread.start()

    def _take_rest(self) -> Rest:
        rest, self._rest = self._rest, None
        if rest is None:
            raise RuntimeError("the planner has already run")
        return rest

    def _child(self, write: int, spill: IO[bytes]) -> None:
        code = 0
        try:
            start = time.perf_counter()

            def emit(table: Table) -> None:
                pickle.dump(table, spill, protocol=5)

            truth = self._take_rest()(emit)
            pickle.dump(truth, spill, protocol=5)
            spill.flush()
            status = pickle.dumps(("ok", time.perf_counter() - start), protocol=5)
        except BaseException:  # reported to the parent, which raises it
            status = pickle.dumps(("error", traceback.format_exc()), protocol=5)
            code = 1
        try:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(status)
        finally:
            os._exit(code)

    def _in_thread(self) -> None:
        try:
            start = time.perf_counter()
            truth = self._take_rest()(self._queue.put)
            self.seconds = time.perf_counter() - start
            self._queue.put(truth)
        except BaseException as exc:  # handed to the writing thread, re-raised there
            self._queue.put(exc)

    def results(self) -> Iterator[Item]:
        """The rest's tables in planning order, then the truth dict."""
        if self._thread is not None:
            while True:
                item = self._queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if isinstance(item, dict):
                    self._thread.join()
                    return
        with os.fdopen(self._read, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(self._pid, 0)
        self._pid = 0
        status = pickle.loads(payload) if payload else ("error", "the planner died")  # noqa: S301 - our own child
        if status[0] != "ok":
            self._close_spill()
            raise RuntimeError(f"demo planner failed:\n{status[1]}")
        self.seconds = float(status[1])
        spill = self._spill
        assert spill is not None
        spill.seek(0)
        try:
            while True:
                # One table in memory at a time: the spill file is our own child's output.
                item = pickle.load(spill)  # noqa: S301
                yield item
                if isinstance(item, dict):
                    return
                del item  # not alive while the next one loads
        finally:
            self._close_spill()

    def _close_spill(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def abandon(self) -> None:
        """Reap the child if the parent gives up before reading its results."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.close(self._read)
            os.waitpid(self._pid, 0)
            self._pid = 0
        self._close_spill()
