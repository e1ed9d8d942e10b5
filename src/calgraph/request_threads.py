"""The request threads: where the HTTP faces (Graph, uploads, sign-in, the control plane) run their
blocking work (database units of work) off the event loop, one pool per process."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, TypeVar

REQUEST_THREADS = 40   # as many as Starlette's (anyio's) default; the SQLite pool keeps one connection each

T = TypeVar("T")
_threads: tuple[int, ThreadPoolExecutor] | None = None


async def run_in_threadpool(func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` on a request thread of this process. Starlette's helper of the same name goes
    through anyio's thread pool, at about twice the cost of a call."""
    global _threads
    if _threads is None or _threads[0] != os.getpid():   # a forked worker starts its own threads
        _threads = (os.getpid(), ThreadPoolExecutor(REQUEST_THREADS, thread_name_prefix="calgraph-request"))
    return await asyncio.get_running_loop().run_in_executor(_threads[1], partial(func, *args))
