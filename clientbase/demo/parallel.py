"""Plan the rest of the company on the second core while the first tables are written.

Where the platform can fork, the rest is planned in a child process: it shares the plan so
far (copy-on-write, nothing to pickle on the way in), never touches the database, and hands
back its tables and the truth through a pipe. A thread would do the same work, but its
pure-Python stretches would stall the writer, which gives up the GIL for every row.
Elsewhere (no fork), a thread it is.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from clientbase.demo.columns import Table

Emit = Callable[[Table], None]
Rest = Callable[[Emit], dict[str, Any]]
Item = Table | dict[str, Any]


class Planner:
    def __init__(self, rest: Rest, *, allow_fork: bool = True) -> None:
        self.rest = rest
        self.allow_fork = allow_fork
        self.seconds = 0.0
        self._pid = 0
        self._read = -1
        self._queue: queue.Queue[Item | BaseException] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Call before opening the write transaction: the child must not inherit one."""
        if self.allow_fork and hasattr(os, "fork") and threading.active_count() == 1:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: plan, send, and leave without running any cleanup
                os.close(read)
                self._child(write)
            os.close(write)
            self._pid, self._read = pid, read
        else:
            self._thread = threading.Thread(target=self._in_thread, name="demo-planner")
            self._thread.daemon = True
            self._thread.start()

    def _child(self, write: int) -> None:
        code = 0
        try:
            start = time.perf_counter()
            out: list[Table] = []
            truth = self.rest(out.append)
            payload = pickle.dumps((out, truth, time.perf_counter() - start), protocol=5)
        except BaseException:  # reported to the parent, which raises it
            payload = pickle.dumps(("error", traceback.format_exc()), protocol=5)
            code = 1
        try:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(code)

    def _in_thread(self) -> None:
        try:
            start = time.perf_counter()
            truth = self.rest(self._queue.put)
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
        data = pickle.loads(payload)  # noqa: S301 - our own child process, through a pipe
        if data[0] == "error":
            raise RuntimeError(f"demo planner failed:\n{data[1]}")
        tables, truth, self.seconds = data
        yield from tables
        yield truth

    def abandon(self) -> None:
        """Reap the child if the parent gives up before reading its results."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.close(self._read)
            os.waitpid(self._pid, 0)
            self._pid = 0
