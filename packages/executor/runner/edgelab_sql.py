"""EdgeLab SQL harness: runs one student query against an in-memory SQLite database, prints the result set.

stdin: JSON {"schema": <assignment sqlSchema>, "setup": <test setup SQL>}. The student's query is ./query.sql.
stdout: JSON {"columns": [...], "rows": [[...], ...]}. Errors go to stderr as one clear line, exit code 1.
Only reading is allowed in the student's statement (an authorizer denies every write, ATTACH and PRAGMA), and
exactly one statement: the judge compares result sets, so a script of several statements has no single answer.
"""

import json
import math
import sqlite3
import sys

ALLOWED = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    getattr(sqlite3, "SQLITE_RECURSIVE", 33),
}


def fail(message):
    sys.stderr.write(message.rstrip() + "\n")
    sys.stderr.flush()
    sys.exit(1)


def value(v):
    if v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else repr(v)
    if isinstance(v, bytes):
        return v.hex()
    return str(v)


def strip_sql(text):
    """The query without comments and trailing semicolons/whitespace, for the emptiness check."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = len(text) if j == -1 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = len(text) if j == -1 else j + 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out).strip().rstrip(";").strip()


def main():
    spec = json.loads(sys.stdin.read() or "{}")
    try:
        with open("query.sql", encoding="utf-8") as f:
            query = f.read()
    except OSError as exc:
        fail("cannot read query.sql: %s" % exc)
    if not strip_sql(query):
        fail("the query is empty: write one SELECT statement")
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.executescript(spec.get("schema") or "")
        db.executescript(spec.get("setup") or "")
    except sqlite3.Error as exc:
        # The instructor's schema or setup is broken: not the student's fault, and worded so the host can tell.
        sys.stderr.write("EDGELAB-SETUP-ERROR: %s\n" % exc)
        sys.exit(3)

    def authorize(action, arg1, arg2, _db, _trigger):
        if action in ALLOWED:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    db.set_authorizer(authorize)
    try:
        cursor = db.execute(query)
    except sqlite3.ProgrammingError as exc:
        if "one statement" in str(exc):
            fail("the query has more than one statement: submit exactly one SELECT statement")
        fail("SQL error: %s" % exc)
    except sqlite3.DatabaseError as exc:
        if "not authorized" in str(exc):
            fail("only a single SELECT statement is allowed (no INSERT, UPDATE, DELETE, CREATE, DROP, ATTACH or PRAGMA)")
        fail("SQL error: %s" % exc)
    if cursor.description is None:
        fail("the statement returned no result set: submit exactly one SELECT statement")
    columns = [d[0] for d in cursor.description]
    try:
        rows = [[value(v) for v in row] for row in cursor]
    except sqlite3.Error as exc:
        fail("SQL error: %s" % exc)
    sys.stdout.write(json.dumps({"columns": columns, "rows": rows}, separators=(",", ":")))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
