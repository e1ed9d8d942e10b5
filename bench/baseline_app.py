"""The baseline server of bench/meetings.py: calgraph's HTTP stack answering one trivial endpoint.

Same stack as `calgraph serve`: a Starlette app whose router default is one ASGI callable, served by
`uvicorn.run(app, host=..., port=..., timeout_keep_alive=...)` after `calgraph.cli.tune_gc()` (the
same garbage collector settings) as in src/calgraph/cli.py, the request
body read on the event loop and the database work done after one hop to a request thread (with
calgraph's own `calgraph.request_threads.run_in_threadpool`, cheaper than Starlette's), on an engine made by `calgraph.store.open_store(..., serving=True)`
as `calgraph serve` makes it (WAL checkpointed by a thread of its own, synchronous=NORMAL, busy
timeout, page cache and mmap, LIFO QueuePool) and a write unit of work (BEGIN IMMEDIATE).

POST (any path but /create): parse the JSON body, then one transaction of two UPDATEs and one INSERT,
as an attendee's answer needs at the least (their copy, the organizer's event, the organizer's
message); 202 with an empty body. The rows' `data` texts are as long as the JSON calgraph stores for
a meeting of 10 attendees and for a response message.
POST /create: parse the JSON body, then one transaction that INSERTs what a meeting of 5 attendees
needs at the least (the organizer's event, 5 attendees' copies, 5 invitations, 1 Sent Items copy);
201 with the body echoed.
Any other method: 200 "ok" without touching the database (a readiness probe).

    python bench/baseline_app.py --db sqlite:////tmp/baseline.db --port 8766
"""

from __future__ import annotations

import argparse
import json
import os
import random
import uuid

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from calgraph.cli import KEEP_ALIVE_SECONDS, tune_gc
from calgraph.request_threads import run_in_threadpool
from calgraph.store import SqlStore, open_store

ROWS = 2000              # rows the UPDATEs pick from
EVENT_BYTES = 3600       # the JSON `data` of a meeting of 10 attendees in calgraph's events table
MESSAGE_BYTES = 1700     # the JSON `data` of an eventMessageResponse in calgraph's messages table

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS bench_items ("
    " id VARCHAR(200) PRIMARY KEY, change_key VARCHAR(64) NOT NULL, last_modified VARCHAR(32) NOT NULL,"
    " data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_log ("
    " id VARCHAR(200) PRIMARY KEY, item_id VARCHAR(200) NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_bench_log_seq ON bench_log (seq)",
)
CREATE_ATTENDEES = 5
CREATE = text("INSERT INTO bench_items (id, change_key, last_modified, data) "
              "VALUES (:id, :ck, '2025-01-01T00:00:00.000000', :data)")
UPDATE = text("UPDATE bench_items SET change_key = :ck, last_modified = :ts, data = :data WHERE id = :id")
INSERT = text("INSERT INTO bench_log (id, item_id, seq, data) "
              "VALUES (:id, :item, (SELECT COALESCE(MAX(seq), 0) + 1 FROM bench_log), :data)")


def payload(size: int) -> str:
    """A JSON document of about `size` characters."""
    return json.dumps({"subject": "Baseline", "body": "x" * max(size - 40, 0)})


def prepare(store: SqlStore) -> list[str]:
    """Create the two tables and ROWS items (once); return the items' ids."""
    with store.unit_of_work(write=True) as uow:
        for statement in SCHEMA:
            uow.conn.execute(text(statement))
        ids = list(uow.conn.execute(text("SELECT id FROM bench_items ORDER BY id")).scalars())
        if not ids:
            ids = [f"item-{i:05d}" for i in range(ROWS)]
            data = payload(EVENT_BYTES)
            uow.conn.execute(text("INSERT INTO bench_items (id, change_key, last_modified, data) "
                                  "VALUES (:id, 'ck', '2025-01-01T00:00:00.000000', :data)"),
                             [{"id": i, "data": data} for i in ids])
    return ids


class Endpoint:
    """The one ASGI endpoint (the router's default, like calgraph's Dispatcher)."""

    def __init__(self, store: SqlStore, ids: list[str]) -> None:
        self.store = store
        self.ids = ids
        self.event_data = payload(EVENT_BYTES)
        self.message_data = payload(MESSAGE_BYTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.method != "POST":
            response: Response = PlainTextResponse("ok")
        else:
            body = await request.body()
            if request.url.path == "/create":
                await run_in_threadpool(self.create, body)
                response = Response(body, status_code=201, media_type="application/json",
                                    headers={"request-id": str(uuid.uuid4())})
            else:
                await run_in_threadpool(self.transaction, body)  # DB work: off the loop
                response = Response(status_code=202, headers={"request-id": str(uuid.uuid4())})
        await response(scope, receive, send)

    def transaction(self, body: bytes) -> None:
        json.loads(body or b"{}")
        first, second = random.sample(self.ids, 2)
        stamp = os.urandom(21).hex()
        with self.store.unit_of_work(write=True) as uow:
            for item in (first, second):
                uow.conn.execute(UPDATE, {"ck": stamp, "ts": "2025-01-01T00:00:00.000000",
                                          "data": self.event_data, "id": item})
            uow.conn.execute(INSERT, {"id": uuid.uuid4().hex, "item": first, "data": self.message_data})


    def create(self, body: bytes) -> None:
        json.loads(body or b"{}")
        with self.store.unit_of_work(write=True) as uow:
            uow.conn.execute(CREATE, [{"id": uuid.uuid4().hex, "ck": "ck", "data": self.event_data}
                                      for _ in range(1 + CREATE_ATTENDEES)])
            for _ in range(CREATE_ATTENDEES + 1):
                uow.conn.execute(INSERT, {"id": uuid.uuid4().hex, "item": "new", "data": self.message_data})


def create_app(store: SqlStore) -> Starlette:
    app = Starlette()
    app.router.default = Endpoint(store, prepare(store))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, metavar="URL", help="sqlite:///path")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    import uvicorn

    store = open_store(args.db, serving=True)  # as `calgraph serve` opens it
    try:
        app = create_app(store)
        tune_gc()  # as `calgraph serve` does
        uvicorn.run(app, host=args.host, port=args.port,  # as `calgraph serve` does
                    timeout_keep_alive=KEEP_ALIVE_SECONDS)
    finally:
        store.dispose()


if __name__ == "__main__":
    main()
