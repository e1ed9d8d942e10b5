"""What every part of the SQL unit of work shares: the connection, creation order, paging."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Dialect, Executable, Row, Table, and_, bindparam, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from calgraph.core.errors import IrresolvableConflict, ItemNotFound
from calgraph.core.query import ItemQuery, Page

T = TypeVar("T")
READ_ONLY = "calgraph_read_only"   # execution option: a read-only unit of work's connection


class WriteInReadOnlyUnit(RuntimeError):
    """A unit of work opened without write=True tried to change the database (a bug: on PostgreSQL such a
    unit runs in autocommit, so its writes would not commit together)."""


def _writes(sql: str) -> bool:
    return sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")


def refuse_writes_in_read_units(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    """before_cursor_execute: every statement SQLAlchemy runs (`run` checks its own)."""
    if conn.get_execution_options().get(READ_ONLY) and _writes(statement):
        raise WriteInReadOnlyUnit(statement[:80])


class UnitOfWorkBase:
    def __init__(self, conn: Connection, read_only: bool = False) -> None:
        self.conn = conn
        self.read_only = read_only
        self._driver: Any = None    # the DBAPI connection of this transaction, once `run` has used it
        self._events_read: dict[str, Any] = {}   # event id -> the Event as this unit last read or wrote it
        self._longest_read: dict[str, int | None] = {}   # read-only units: calendar id -> its MAX(duration_s)

    @property
    def dialect_name(self) -> str:
        return self.conn.dialect.name

    @staticmethod
    def next_seq(table: Table) -> Any:
        """A scalar subquery for the next creation-order number (concurrent inserts may tie; ties sort by id)."""
        return select(func.coalesce(func.max(table.c.seq), 0) + 1).scalar_subquery()

    def insert_ignore(self, table: Table, **values: Any) -> None:
        """INSERT ... ON CONFLICT DO NOTHING (same SQL on SQLite and PostgreSQL)."""
        dialect = postgresql if self.dialect_name == "postgresql" else sqlite
        self.conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())

    def run(self, statement: Executable, params: dict[str, Any]) -> Any:
        """Execute a prebuilt statement on the DBAPI cursor and return the cursor.

        For the statements on every request's path: compiled once per dialect, then run without
        SQLAlchemy's per-call work (about 30 us a statement, several times the statement's own cost
        in SQLite). Only for statements whose parameters and results need no type conversion
        (strings, integers, booleans in, strings out)."""
        sql, positions, defaults, writes = _compiled(statement, self.conn.dialect)
        if writes and self.read_only:
            raise WriteInReadOnlyUnit(sql[:80])
        if defaults:
            params = {**defaults, **params}
        driver = self._driver
        if driver is None:
            driver = self._driver = self.conn.connection.driver_connection
        cursor = driver.cursor()
        cursor.execute(sql, params if positions is None else positions(params))
        return cursor

    def run_many(self, statement: Executable, rows: Sequence[dict[str, Any]]) -> None:
        """`run` for a batch of rows (executemany), with the same restrictions."""
        sql, positions, defaults, writes = _compiled(statement, self.conn.dialect)
        if writes and self.read_only:
            raise WriteInReadOnlyUnit(sql[:80])
        if defaults:
            rows = [{**defaults, **row} for row in rows]
        driver = self._driver
        if driver is None:
            driver = self._driver = self.conn.connection.driver_connection
        cursor = driver.cursor()
        cursor.executemany(sql, rows if positions is None else [positions(row) for row in rows])
        cursor.close()

    def insert_item(self, table: Table, values: dict[str, Any]) -> None:
        """INSERT one item (events, messages) with the next creation-order number."""
        columns = tuple(values)
        self.run(_insert_statement(table, columns), dict(zip(_param_names(columns), values.values())))

    def update_item(self, table: Table, item_id: str, mailbox_id: str, values: dict[str, Any],
                    expected_change_key: str | None) -> None:
        """UPDATE one item (every column in `values`) [only while its change key is the expected one]:
        no row matched means a stale change key (IrresolvableConflict) or no such item (ItemNotFound)."""
        columns = tuple(values)
        statement = _update_statement(table, columns, expected_change_key is not None)
        params = dict(zip(_param_names(columns), values.values()))
        params.update(_id=item_id, _mailbox_id=mailbox_id, _expected=expected_change_key)
        if self.run(statement, params).rowcount:
            return
        identity = (table.c.id == item_id, table.c.mailbox_id == mailbox_id)
        exists = self.conn.execute(select(table.c.change_key).where(*identity)).first() is not None
        if exists and expected_change_key is not None:
            raise IrresolvableConflict()
        raise ItemNotFound()

    def page(
        self,
        table: Table,
        columns: Sequence[Any],
        conditions: Sequence[ColumnElement[bool] | None],
        order: Sequence[Any],
        query: ItemQuery,
        to_item: Callable[[Row[Any]], T],
    ) -> Page[T]:
        """One page of `table` rows matching all `conditions`: skip, top (+1 to see whether more follow), count."""
        where = and_(true(), *(c for c in conditions if c is not None))
        top, skip = max(query.top, 0), max(query.skip, 0)
        statement = select(*columns).where(where).order_by(*order).offset(skip).limit(top + 1)
        rows = self.conn.execute(statement).all()
        total = None
        if query.count:
            total = self.conn.execute(select(func.count()).select_from(table).where(where)).scalar_one()
        return Page(items=[to_item(row) for row in rows[:top]], total=total, has_more=len(rows) > top)


_COMPILED: dict[tuple[int, str], tuple[Executable, str, Any, dict[str, Any], bool]] = {}


def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]] | None,
                                                                dict[str, Any], bool]:
    """SQL text, positional parameters from named ones (None for named styles), literal defaults (LIMIT 1)
    and whether it writes."""
    key = (id(statement), dialect.name)
    known = _COMPILED.get(key)
    if known is None or known[0] is not statement:
        compiled = statement.compile(dialect=dialect)
        positions = _positional(tuple(compiled.positiontup or ())) if compiled.positional else None
        defaults = {name: value for name, value in compiled.params.items() if value is not None}
        sql = str(compiled)
        known = (statement, sql, positions, defaults, _writes(sql))
        _COMPILED[key] = known
    return known[1], known[2], known[3], known[4]


def _positional(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The parameter tuple in `names` order, from a dict (itemgetter: one C call)."""
    if len(names) == 1:
        name = names[0]
        return lambda params: (params[name],)
    return itemgetter(*names) if names else (lambda params: ())


@cache
def _param_names(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The bound parameter names of _update_statement / _insert_statement for these columns."""
    return tuple(f"v_{name}" for name in columns)


@cache
def _update_statement(table: Table, columns: tuple[str, ...], check_change_key: bool) -> Any:
    """Built once per shape: constructing an UPDATE of ~25 columns costs more than running it."""
    statement = update(table).where(table.c.id == bindparam("_id"), table.c.mailbox_id == bindparam("_mailbox_id"))
    if check_change_key:
        statement = statement.where(table.c.change_key == bindparam("_expected"))
    return statement.values({name: bindparam(f"v_{name}") for name in columns})


@cache
def _insert_statement(table: Table, columns: tuple[str, ...]) -> Any:
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in columns}
    return insert(table).values({**values, "seq": UnitOfWorkBase.next_seq(table)})
