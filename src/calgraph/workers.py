"""`calgraph serve --workers N`: N forked server processes on one listening socket.

The parent binds the socket, migrates and seeds, then forks; each worker opens its own database
connections and runs its own uvicorn server on the shared socket (the kernel hands each new connection
to one of them). The parent only supervises: SIGINT or SIGTERM is passed on to every worker, when one
worker dies unexpectedly the others are stopped too, so a broken server never half-serves, and when the
parent itself is killed its workers end with it.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Callable


def _end_with_parent() -> None:
    """Linux: this process gets SIGTERM when the supervisor dies, even by SIGKILL (no orphan keeps
    serving the port); elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def run_workers(work: Callable[[], None], count: int) -> int:
    """Forks `count` processes that each call `work()`; returns the exit status for the parent."""
    children: list[int] = []
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(count):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the worker: default signal handling, then serve until told to stop
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
                _end_with_parent()
                status = 0
                try:
                    work()
                except SystemExit as e:
                    status = e.code if isinstance(e.code, int) else 1
                except BaseException:
                    import traceback

                    traceback.print_exc()
                    status = 1
                finally:
                    os._exit(status)
            children.append(pid)
        status = 0
        while children:
            try:
                pid, code = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            children.remove(pid)
            if not stopping:  # a worker ended on its own: take the others down with it
                status = os.waitstatus_to_exitcode(code) or 1
                stop(signal.SIGTERM, None)
        return status
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
