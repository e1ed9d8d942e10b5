"""Benchmark: calgraph's calendarView against a naive baseline (and optionally Radicale), same data, same run.

    pip install -e '.[test,bench]'
    python bench/calendar_view.py --quick                    # latencies, ~1-2 minutes
    python bench/calendar_view.py --quick --wrk 1 2 4        # and requests/s under wrk for 1, 2, 4 workers
    python bench/calendar_view.py --backend postgres --postgres-url postgresql://u:p@127.0.0.1/db --quick --wrk 1 2 4
    python bench/calendar_view.py --radicale --dataset mixed --singles 1000 10000   # Radicale's CalDAV expand too
    python bench/calendar_view.py --help

The data (bench/caldav_seed.py, deterministic from --seed): `--dataset berlin` (the default) is 200
weekly series in Europe/Berlin, 150 with no end and 50 ending after 30 occurrences, plus --singles
(1,000) single events over the measured year; `--dataset mixed` has ten zones and every kind of range.

One server at a time, each a subprocess, so they never compete for the cores:
1. calgraph on a fresh database (SQLite file, or --backend postgres on a reset database): one user and
   token seeded in-process, the events created through calgraph.services.events.create_event from
   Graph-shaped bodies; `calgraph serve`, then per window (one week, one year) GET
   /v1.0/me/calendarView?startDateTime=..&endDateTime=..&$top=1000 following every @odata.nextLink.
   One query is that whole sequence of pages, timed client side (http.client, one keep-alive
   connection) after a warm-up, until the last page is received; the pages are parsed after the clock
   stops (shown as "+ parse"). Then the mailbox's events as calgraph serves them (GET /me/events) are
   written to a JSON file.
2. The naive baseline (bench/naive_view_app.py: the same Starlette + uvicorn stack, the events loaded from
   that file, each request expanded with dateutil's rrule and rendered with json.dumps) answers the same
   queries. Every page of both is compared item by item (parsed JSON), then byte by byte.
3. With --wrk N..: requests/s of the week's calendarView (one page) under wrk (-t1, --connections),
   the baseline, then calgraph serve --workers N for each N, with each server's CPU per request.
4. With --radicale: Radicale 3's CalDAV expand on the same windows (bench/view_radicale.py).

Targets (the issue): the year (every page) >= 3x faster than the naive baseline, the week >= 6x
(p50 over p50). Exit status: 0 PASS, 1 a target missed, 2 a server failed or the pages differ.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Sequence

import caldav_seed as data      # bench/caldav_seed.py: the events, as Graph bodies and as iCalendar
import meetings as bench        # bench/meetings.py: seed (users and tokens), reset_postgres, CALGRAPH_SERVE
from servers import Server, machine, say
from view_common import PAGE, WINDOWS, YEAR, Client, Plan, Timing, graph_query, timed
from view_naive import Throughput, compare_pages, export_events, start_naive, throughput

TARGETS = {"week": 6.0, "year": 3.0}      # x the naive baseline (p50 over p50)
ONE_PAGE = 100_000                        # the baseline's reference query: the whole year in one page
ONE_YEAR_PAGE = "year, one page"


def seed_calgraph(db_url: str, specs: list[data.Spec]) -> str:
    """One user and their token (meetings.seed), then every event through the service layer, each in
    its own unit of work as POST /me/events would run it. Returns the token."""
    from calgraph.core.permissions import Principal
    from calgraph.http.bodies import EventInput, parse
    from calgraph.services import events
    from calgraph.services.runtime import Runtime
    from calgraph.store import open_store

    users, _app_token = bench.seed(db_url, 1)
    store = open_store(db_url)
    try:
        runtime = Runtime(store)
        principal = Principal(users[0].id, frozenset({"calendars.readwrite"}))
        scope = events.Scope("me", None)
        for spec in specs:
            try:
                changes = parse(EventInput, data.graph_body(spec)).changes()
                events.create_event(runtime, principal, scope, changes, "https://calgraph.bench")
            except Exception as e:
                raise RuntimeError(f"calgraph rejected {spec}: {e!r}") from e
    finally:
        store.dispose()
    return users[0].token


class Run:
    """One dataset's run: the database, the token, the timings, the pages kept for the comparison."""

    def __init__(self, args: argparse.Namespace, plan: Plan, singles: int, workdir: Path) -> None:
        self.args, self.plan, self.singles, self.workdir = args, plan, singles, workdir
        self.timings: list[Timing] = []
        self.rows: list[Throughput] = []
        self.problems: list[str] = []
        self.identical = False
        self.pages: dict[tuple[str, str], list[bytes]] = {}
        self.seconds = 0.0
        if args.backend == "postgres":
            self.db_url = args.postgres_url
            bench.reset_postgres(self.db_url)
        else:
            self.db_url = f"sqlite:///{workdir / f'calgraph-{singles}.db'}"
        self.events_file = workdir / f"events-{singles}.json"
        self.database = urllib.parse.urlsplit(self.db_url).path.lstrip("/") if args.backend == "postgres" else None
        self.token = ""

    def seed(self, specs: list[data.Spec]) -> None:
        say(f"calgraph on {self.args.backend}, {self.plan.series} series + {self.singles} singles: seeding in-process")
        started = time.perf_counter()
        self.token = seed_calgraph(self.db_url, specs)
        self.seconds = time.perf_counter() - started
        say(f"  seeded {len(specs)} events in {self.seconds:.1f} s")

    def calgraph(self, workers: int = 1) -> Server:
        return Server(f"calgraph-{self.singles}-w{workers}", [*bench.CALGRAPH_SERVE, "--db", self.db_url, "--workers",
                                                              str(workers)], "/v1.0/me", 401, self.workdir).start()

    def latencies(self, server: Server, name: str) -> None:
        client = Client(server.origin)
        try:
            for window_name, window in WINDOWS.items():
                kept: list[bytes] = []
                self.pages[(name, window_name)] = kept
                self.timings.append(timed(graph_query(client, self.token, window, kept),
                                          Timing(name, self.singles, window_name), self.plan.reps[window_name],
                                          self.plan.warmup, server.cpu_seconds))
            if name == "naive":   # a reference: the whole year in one answer (one expansion, no paging)
                self.timings.append(timed(graph_query(client, self.token, YEAR, top=ONE_PAGE),
                                          Timing(name, self.singles, ONE_YEAR_PAGE), self.plan.reps["year"],
                                          self.plan.warmup, server.cpu_seconds))
            if name == "calgraph":
                count = export_events(client, self.token, self.events_file)
                say(f"  {count} events (masters and singles) exported for the baseline")
        finally:
            client.close()

    def measure(self, specs: list[data.Spec]) -> None:
        self.seed(specs)
        server = self.calgraph()
        try:
            self.latencies(server, "calgraph")
        finally:
            stop(server)
        server = start_naive(self.events_file, self.workdir, f"naive-{self.singles}")
        try:
            self.latencies(server, "naive")
            if self.args.wrk:
                self.rows.append(throughput(server, "naive", 1, self.token, self.args.connections, self.args.seconds))
        finally:
            stop(server)
        same = True
        for window_name in WINDOWS:
            found, identical = compare_pages(window_name, self.pages[("calgraph", window_name)],
                                             self.pages[("naive", window_name)])
            self.problems += found
            same &= identical
        self.identical = same and not self.problems
        for workers in self.args.wrk or ():
            server = self.calgraph(workers)
            try:
                self.rows.append(throughput(server, "calgraph", workers, self.token, self.args.connections,
                                            self.args.seconds, self.database))
            finally:
                stop(server)
        if "radicale" in self.plan.baselines:
            import view_radicale

            theirs, _seconds = view_radicale.run_radicale(self.plan, specs, self.singles, self.workdir)
            self.timings += theirs


def stop(server: Server) -> None:
    server.stop()
    log = server.log()
    if "Traceback" in log:
        say(f"{server.name} logged a traceback (see {server.log_path}):\n{log[log.index('Traceback'):][:2000]}")


# -- report ----------------------------------------------------------------------------------------

def report(args: argparse.Namespace, plan: Plan, runs: list[Run]) -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if Console().is_terminal else 200)
    failed = broken = False
    for run in runs:
        table = Table(title=f"calendarView (every page, $top={PAGE}) on {args.backend}, {plan.series} weekly series "
                            f"+ {run.singles:,} singles ({plan.dataset}): calgraph vs. the naive baseline")
        for column in ("window", "items", "pages", "calgraph p50 ms", "p99", "+ parse", "naive p50 ms", "p99",
                       "x naive", "target", "", "CPU ms/query calgraph / naive", "CPU x naive", *(["Radicale p50 ms", "x Radicale"] if "radicale" in plan.baselines
                                                   else [])):
            table.add_column(column, justify="left" if column in ("window", "", "target") else "right")
        find = {(t.server, t.window): t for t in run.timings}
        for window in WINDOWS:
            ours, naive = find[("calgraph", window)], find[("naive", window)]
            ok_ours, ok_naive = not ours.error and ours.latencies, not naive.error and naive.latencies
            ratio = naive.percentile(50) / ours.percentile(50) if ok_ours and ok_naive else None
            if ratio is None:
                broken = True
                verdict = "[red]a server failed[/]"
            else:
                ok = ratio >= TARGETS[window]
                failed |= not ok
                verdict = "[green]PASS[/]" if ok else "[red]FAIL[/]"
            extra = []
            radicale = find.get(("radicale", window))
            if radicale is not None:
                extra = [ms(radicale, 50), f"{radicale.percentile(50) / ours.percentile(50):.0f}x"
                         if radicale.latencies and ours.latencies else "-"]
            if ours.items != naive.items:
                run.problems.append(f"{window}: calgraph returned {ours.items} items, the baseline {naive.items}")
            table.add_row(window, count(ours), str(ours.pages), ms(ours, 50), ms(ours, 99), ms(ours, 50, True),
                          ms(naive, 50), ms(naive, 99), "-" if ratio is None else f"{ratio:.1f}x",
                          f">= {TARGETS[window]:g}x", verdict, f"{cpu(ours)} / {cpu(naive)}",
                          f"{naive.cpu_ms / ours.cpu_ms:.1f}x" if ours.cpu_ms and naive.cpu_ms else "-", *extra)
        console.print(table)
        single = find.get(("naive", ONE_YEAR_PAGE))
        year = find[("calgraph", "year")]
        if single is not None and single.latencies and year.latencies:
            console.print(f"Reference: the baseline answering the year in one page ($top={ONE_PAGE:,}: one expansion, "
                          f"no paging) p50 {ms(single, 50)} ms, {single.percentile(50) / year.percentile(50):.1f}x "
                          f"calgraph's year (every page); server CPU {cpu(single)} ms/query"
                          + (f", {single.cpu_ms / year.cpu_ms:.1f}x calgraph's" if single.cpu_ms and year.cpu_ms else ""))
        console.print("Same items, same order, both windows: " + ("[green]yes[/]" if not run.problems else "[red]no[/]")
                      + "; every item byte-identical: " + ("[green]yes[/]" if run.identical else "[red]no[/]")
                      + " (the pages differ in their nextLink: calgraph's carries $skiptoken and $skip, "
                        "the baseline's $skip)")
        if run.rows:
            console.print(throughput_table(args, run))
        for timing in run.timings:
            if timing.error:
                broken = True
                console.print(f"[red]{timing.server} {timing.window}[/]: {timing.error}")
        for problem in run.problems:
            console.print(f"[red]differs[/]: {problem}")
        broken |= bool(run.problems)
    console.print(f"Machine: {machine()}. Repetitions: {plan.reps['week']} (week) / {plan.reps['year']} (year) "
                  f"after {plan.warmup} warm-up per server. Latency = the whole query, every page received, client "
                  "side; + parse: with the client's json.loads of every page. CPU ms/query: the server process's CPU time "
                  "over the measured queries (less disturbed by other load than latency; the verdict uses latency).")
    if broken:
        console.print("[red]A server failed or the answers differ: the figures mean little.[/]")
        return 2
    console.print("[green]PASS[/]" if not failed else "[red]FAIL[/]: a target was missed")
    return 1 if failed else 0


def throughput_table(args: argparse.Namespace, run: Run):  # -> rich Table
    from rich.table import Table

    table = Table(title=f"calendarView of the week (one page) under wrk -t1 -c{args.connections}, {args.seconds:g} s, "
                        f"on {args.backend}")
    postgres = any(row.database_ms is not None for row in run.rows)
    for column in ("server", "workers", "req/s", "x naive", "p50 ms", "p99 ms", "server CPU ms/req",
                   *(["PostgreSQL CPU ms/req"] if postgres else []), "wrk CPU", "errors"):
        table.add_column(column, justify="left" if column == "server" else "right")
    base = next((r for r in run.rows if r.server == "naive"), None)
    for row in run.rows:
        ratio = row.load.rps / base.load.rps if base and base.load.rps and row is not base else None
        table.add_row("naive baseline" if row.server == "naive" else "calgraph serve", str(row.workers),
                      f"{row.load.rps:,.0f}", "" if ratio is None else f"{ratio:.2f}x", f"{row.load.p50_ms:.1f}",
                      f"{row.load.p99_ms:.1f}", "" if row.server_ms is None else f"{row.server_ms:.2f}",
                      *([f"{row.database_ms:.2f}" if row.database_ms is not None else ""] if postgres else []),
                      f"{row.load.client_cpu:.0%}", str(row.load.errors))
    return table


def ms(timing: Timing, p: float, parsed: bool = False) -> str:
    return f"{timing.percentile(p, parsed) * 1000:,.1f}" if timing.latencies else "-"


def cpu(timing: Timing) -> str:
    return "-" if timing.cpu_ms is None else f"{timing.cpu_ms:,.1f}"


def count(timing: Timing) -> str:
    return "-" if timing.items is None else f"{timing.items:,}"


# -- main ------------------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="calgraph calendarView vs. a naive dateutil expansion (and Radicale) on the same data.",
        epilog="Exit status: 0 PASS, 1 a target missed, 2 a server failed or the answers differ.")
    parser.add_argument("--dataset", choices=("berlin", "mixed"), default="berlin",
                        help="berlin: the issue's data (default); mixed: ten zones, every kind of range")
    parser.add_argument("--series", type=int, default=200, help="weekly series (default 200)")
    parser.add_argument("--singles", type=int, nargs="+", metavar="N", help="single events, a run per value "
                        "(default 1000)")
    parser.add_argument("--reps", type=int, nargs=2, metavar=("WEEK", "YEAR"),
                        help="repetitions per window for calgraph and the baseline (default 50 20; quick 20 5)")
    parser.add_argument("--warmup", type=int, help="warm-up queries per window (default 2; quick 1)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="a database for --backend postgres (its tables are dropped)")
    parser.add_argument("--wrk", type=int, nargs="+", metavar="WORKERS",
                        help="also measure requests/s under wrk, for calgraph serve --workers each value")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--seconds", type=float, help="wrk's duration per server (default 10; quick 4)")
    parser.add_argument("--radicale", action="store_true", help="also Radicale 3's CalDAV expand (the bench extra)")
    parser.add_argument("--radicale-reps", type=int, nargs=2, metavar=("WEEK", "YEAR"),
                        help="Radicale repetitions per window (default 5 3; quick 1 1)")
    parser.add_argument("--radicale-upload", choices=("batch", "items"), default="batch",
                        help="batch: one PUT of the whole collection (default); items: one PUT per event")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and shorter wrk runs")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="keep the databases, files and logs in DIR")
    args = parser.parse_args(argv)
    if args.backend == "postgres" and not args.postgres_url:
        parser.error("--backend postgres needs --postgres-url")
    if args.backend == "postgres" and args.singles and len(args.singles) > 1:
        parser.error("--backend postgres takes one --singles value (one database)")
    args.seconds = args.seconds or (4.0 if args.quick else 10.0)
    return args


def make_plan(args: argparse.Namespace) -> Plan:
    reps = args.reps or ((20, 5) if args.quick else (50, 20))
    radicale_reps = args.radicale_reps or ((1, 1) if args.quick else (5, 3))
    if min(*reps, *radicale_reps) < 1:
        raise SystemExit("repetitions must be >= 1")
    return Plan(series=args.series, singles=tuple(args.singles or (1000,)), reps=dict(zip(WINDOWS, reps)),
                radicale_reps=dict(zip(WINDOWS, radicale_reps)),
                warmup=args.warmup if args.warmup is not None else 1 if args.quick else 2,
                upload=args.radicale_upload, seed=args.seed, dataset=args.dataset,
                baselines=("naive", "radicale") if args.radicale else ("naive",))


def dataset(plan: Plan, singles: int) -> list[data.Spec]:
    if plan.dataset == "berlin":
        return data.make_berlin_dataset(plan.seed, plan.series, singles, YEAR)
    return data.make_dataset(plan.seed, plan.series, singles, YEAR)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = make_plan(args)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="calgraph-bench-view-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    runs = []
    try:
        for singles in plan.singles:
            run = Run(args, plan, singles, workdir)
            run.measure(dataset(plan, singles))
            runs.append(run)
    except RuntimeError as e:          # a server did not start, or seeding failed
        say(f"failed: {e}")
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"done in {time.perf_counter() - started:.0f} s")
    return report(args, plan, runs)


if __name__ == "__main__":
    sys.exit(main())
