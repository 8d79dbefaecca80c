"""Connections to the server's database: SQLite in a data folder, or PostgreSQL by URL.

Both speak the same SQL to the storage (``?`` placeholders, rows read by
column name); this module hides how each opens, locks and commits.

A write transaction on one library is serialized (SQLite has one writer;
PostgreSQL locks the library's row), so a library's stream numbers are
committed in order and a reader's cursor can never pass over a number that
commits later.
"""

from __future__ import annotations

import contextlib
import json
import queue
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator, Sequence

from sync.server import schema

MIGRATION_LOCK = 0x746B6D67  # pg_advisory_xact_lock key held while the schema is checked or migrated


class Tx:
    """One transaction: ``rows`` reads, ``run`` and ``many`` write."""

    def __init__(self, cursor: Any, postgres: bool):
        self._cursor = cursor
        self._postgres = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._postgres else sql

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        self._cursor.execute(self._sql(sql), tuple(args))
        return self._cursor.fetchall()

    def tuples(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """Rows as plain tuples, in the order selected: cheaper to make and to read than rows by name,
        for a read that goes through many of them."""
        by_name = self._cursor.row_factory
        self._cursor.row_factory = _tuple_row() if self._postgres else None
        try:
            return self.rows(sql, args)
        finally:
            self._cursor.row_factory = by_name

    def one(self, sql: str, args: Sequence[Any] = ()) -> Any | None:
        rows = self.rows(sql, args)
        return rows[0] if rows else None

    def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        self._cursor.execute(self._sql(sql), tuple(args))
        return self._cursor.rowcount

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor.executemany(self._sql(sql), [tuple(r) for r in rows])

    def among(self, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """``IN`` a list, and its arguments: one array parameter on PostgreSQL, whose driver spends
        its time splitting queries with hundreds of placeholders; one placeholder a value on SQLite.
        (Unnested rather than ``= ANY``, which the planner turns into a filter over the whole library.)"""
        if self._postgres:
            kind, literal = array_literal(values)
            return f"IN (SELECT unnest(?::{kind}[]))", [literal]
        return f"IN ({placeholders(values)})", list(values)

    def rows_among(self, table: str, column: str, values: Sequence[Any], *, columns: str = "*", where: str = "",
                   args: Sequence[Any] = ()) -> list[Any]:
        """The rows of ``table`` whose ``column`` is one of ``values`` and that meet ``where`` (whose
        arguments are ``args``). On PostgreSQL each value is its own index lookup: a lateral subquery,
        kept from being flattened into a join (``OFFSET 0``), so the plan never turns into a scan of the
        whole table, as ``IN`` does while the planner's statistics lag behind a growing table."""
        values = list(dict.fromkeys(values))  # a value given twice still finds its rows once
        if not values:
            return []
        cond = f" AND {where}" if where else ""
        if self._postgres:
            kind, literal = array_literal(values)
            return self.rows(f"SELECT t.* FROM unnest(?::{kind}[]) AS k(v) CROSS JOIN LATERAL "
                             f"(SELECT {columns} FROM {table} WHERE {column} = k.v{cond} OFFSET 0) AS t",
                             [literal, *args])
        return self.rows(f"SELECT {columns} FROM {table} WHERE {column} IN ({placeholders(values)}){cond}",
                         [*values, *args])

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Plain inserts of many rows: COPY on PostgreSQL (one round trip), executemany on SQLite."""
        if not rows:
            return
        if self._postgres:
            with self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(columns)})", rows)

    def upsert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: str,
               update: Sequence[str]) -> None:
        """INSERT ... ON CONFLICT DO UPDATE of many rows: on PostgreSQL one statement whose one parameter
        is every row as JSON, typed by the table's own row type (no per-row binding, one round trip);
        on SQLite one statement per chunk of rows."""
        sets = ", ".join(f"{c} = excluded.{c}" for c in update)
        row_marks = f"({placeholders(columns)})"
        if self._postgres:
            if rows:
                names = ", ".join(columns)
                self.run(f"INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table}, ?::json) "
                         f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}",
                         (json.dumps([dict(zip(columns, row)) for row in rows]),))
            return
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            self.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_marks] * len(chunk))} "
                     f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}", [v for row in chunk for v in row])

    @property
    def postgres(self) -> bool:
        return self._postgres


def _tuple_row() -> Any:
    from psycopg.rows import tuple_row

    return tuple_row


def placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def array_literal(values: Sequence[Any]) -> tuple[str, str]:
    """A list as a PostgreSQL array literal, and the type of its elements (``bigint`` or ``text``): made in
    one join, several times faster than the driver adapts a list value by value."""
    if values and all(isinstance(v, int) for v in values):
        return "bigint", "{" + ",".join(str(int(v)) for v in values) + "}"
    quoted = ("NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "text", "{" + ",".join(quoted) + "}"


class Database:
    postgres = False
    # transactions worth running at once from one process: SQLite does its work in this process, under
    # the GIL, so more threads only contend for it (and each connection re-reads what the others changed);
    # a PostgreSQL server works on its own, so as many as the pool has connections
    concurrency = 1

    def read(self) -> contextlib.AbstractContextManager[Tx]:
        raise NotImplementedError

    def write(self, library: str | None = None, *, durable: bool = True) -> contextlib.AbstractContextManager[Tx]:
        """A write transaction; ``durable=False`` for what may be lost in a power cut (no wait for the disk)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteDatabase(Database):
    """One connection per thread; one writer at a time (a lock, so writers queue instead of spinning)."""

    FILE = "server.db"

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / self.FILE
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        with self.write() as tx:
            schema.migrate(tx)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # an acknowledged event survives a power cut
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA cache_size = -32000")
            self._local.conn = conn
            self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        conn = self._conn()
        conn.execute("BEGIN")  # a snapshot: every read of one answer sees the same moment
        try:
            yield Tx(conn.cursor(), False)
        finally:
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def write(self, library: str | None = None, *, durable: bool = True) -> Iterator[Tx]:
        conn = self._conn()
        with self._write_lock:
            if not durable:  # in WAL mode, NORMAL leaves the sync of this commit to a later one
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Tx(conn.cursor(), False)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                if not durable:
                    conn.execute("PRAGMA synchronous = FULL")

    def close(self) -> None:
        for conn in self._all:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._all.clear()
        self._local = threading.local()


class PostgresDatabase(Database):
    """A small pool of psycopg connections; ``search_path`` selects a schema when the URL names one."""

    postgres = True

    def __init__(self, url: str, *, schema_name: str | None = None, pool_size: int = 8, migrate: bool = True):
        import psycopg
        from psycopg.rows import dict_row

        self._connect = lambda: psycopg.connect(url, row_factory=dict_row, autocommit=True)
        self._schema = schema_name
        self._pool: queue.LifoQueue = queue.LifoQueue()
        self._slots = threading.Semaphore(pool_size)
        self.concurrency = pool_size
        self._all: list[Any] = []
        self._lock = threading.Lock()
        with self.write() as tx:
            # several server processes may start at once: one migrates, the others wait and find it done
            tx.run("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            if schema_name:
                tx.run(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"')
                tx.run(f'SET LOCAL search_path TO "{schema_name}"')
            if migrate:
                schema.migrate(tx)

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled autocommit connection, dropped rather than reused when left broken or in a transaction."""
        self._slots.acquire()
        try:
            try:
                conn = self._pool.get_nowait()
            except queue.Empty:
                conn = self._connect()
                if self._schema:
                    conn.execute(f'SET search_path TO "{self._schema}"')
                with self._lock:
                    self._all.append(conn)
            try:
                yield conn
            finally:
                if conn.closed or conn.info.transaction_status != 0:  # broken: drop it
                    with contextlib.suppress(Exception):
                        conn.close()
                    with self._lock:
                        self._all.remove(conn)
                else:
                    self._pool.put(conn)
        finally:
            self._slots.release()

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        with self.connection() as conn:
            with conn.transaction():
                cur = conn.cursor()
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield Tx(cur, True)

    @contextlib.contextmanager
    def write(self, library: str | None = None, *, durable: bool = True) -> Iterator[Tx]:
        with self.connection() as conn:
            with conn.transaction():
                tx = Tx(conn.cursor(), True)
                if not durable:
                    tx.run("SET LOCAL synchronous_commit = off")
                if library is not None:  # numbers of one library commit in order
                    tx.run("SELECT 1 FROM libraries WHERE slug = ? FOR UPDATE", (library,))
                yield tx

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        while not self._pool.empty():
            self._pool.get_nowait()


def open_database(target: str | Path) -> Database:
    """A PostgreSQL URL (``postgresql://...``, ``?schema=NAME`` for a schema), else a data folder for SQLite."""
    text = str(target)
    if is_postgres_url(text):
        url, schema_name = postgres_url(text)
        return PostgresDatabase(url, schema_name=schema_name)
    return SQLiteDatabase(Path(target))


def is_postgres_url(target: str | Path) -> bool:
    return str(target).startswith(("postgres://", "postgresql://"))


def postgres_url(text: str) -> tuple[str, str | None]:
    """(the URL for the driver, the schema named by ``?schema=NAME`` or None)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(text)
    query = dict(parse_qsl(parts.query))
    schema_name = query.pop("schema", None)
    return urlunsplit(parts._replace(query=urlencode(query))), schema_name
