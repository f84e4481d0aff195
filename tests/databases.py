"""Throw-away MariaDB and PostgreSQL databases on loopback, loaded with the
PHP side's tables (sql/*.sql), dropped after the test."""
from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Database:
    kind: str  # "mysql" | "pgsql"
    name: str
    dsn: str
    user: str
    password: str

    def connect(self):
        if self.kind == "mysql":
            import pymysql

            return pymysql.connect(host="127.0.0.1", port=3306, user=self.user, password=self.password,
                                   database=self.name, autocommit=True)
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=5432, user=self.user, dbname=self.name, autocommit=True)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        sql = sql.replace("?", "%s")
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                if cur.description is None:  # not a SELECT
                    return []
                return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cur.fetchall()]
        finally:
            conn.close()

    def count(self, table: str) -> int:
        return self.query(f"SELECT COUNT(*) FROM {table}")[0][0]

    def counts(self) -> dict[str, int]:
        return {table: self.count(table) for table in ("invoice_jobs", "invoices", "reports")}

    def env(self) -> dict[str, str]:
        return {"DB_DSN": self.dsn, "DB_USER": self.user, "DB_PASSWORD": self.password}


def mysql_database():
    import pymysql
    from pymysql.constants import CLIENT

    try:
        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True,
                                connect_timeout=3)
    except pymysql.err.OperationalError as exc:
        pytest.skip(f"MariaDB/MySQL not reachable on 127.0.0.1:3306: {exc}")
    name = f"t_receiver_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    loader = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", database=name,
                             autocommit=True, client_flag=CLIENT.MULTI_STATEMENTS)
    with loader.cursor() as cur:
        cur.execute((ROOT / "sql" / "mysql.sql").read_text(encoding="utf-8"))
        while cur.nextset():
            pass
    loader.close()
    db = Database("mysql", name, f"mysql:host=127.0.0.1;port=3306;dbname={name};charset=utf8mb4", "root", "")
    try:
        yield db
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


def _pgsql_admin():
    import psycopg

    return psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test", autocommit=True,
                           connect_timeout=3)


@contextmanager
def prefect_server_database() -> Iterator[str | None]:
    """A throw-away PostgreSQL database for the session's Prefect server (on
    SQLite, a busy server answers 503 "database is locked" and its clients
    back off for up to a minute); None, hence SQLite, without PostgreSQL."""
    import psycopg

    try:
        admin = _pgsql_admin()
    except psycopg.OperationalError as exc:
        warnings.warn(f"PostgreSQL not reachable on 127.0.0.1:5432, the Prefect server runs on SQLite: {exc}")
        yield None
        return
    name = f"t_prefect_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def pgsql_database():
    import psycopg

    try:
        admin = _pgsql_admin()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432: {exc}")
    name = f"t_receiver_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname=name, autocommit=True) as loader:
        loader.execute((ROOT / "sql" / "postgresql.sql").read_text(encoding="utf-8"))
    db = Database("pgsql", name, f"pgsql:host=127.0.0.1;port=5432;dbname={name}", "postgres", "")
    try:
        yield db
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
