#!/usr/bin/env python3
"""Dump and restore benchmark: ndump/nrestore against pg_dump/pg_restore and raw COPY.

Run through bench/run.sh. One invocation:
  1. builds ndump and nrestore (Release, build-bench/) unless --bindir is given, and copies the
     binaries aside so that a rebuild during the run cannot change what is measured;
  2. starts a throwaway PostgreSQL server of its own (data directory on the normal disk) and
     dumps and restores a small database with the binaries once, as a smoke test;
  3. generates the datasets: pgbench, mixed (bench/sql/mixed.sql), heldout (bench/sql/heldout.sql,
     on which nothing was tuned), tables (bench/sql/tables.sql);
  4. times every command of a dataset in rounds (each round runs each command once, the order
     rotating from round to round), with a CHECKPOINT before every timed command; restores and
     clones once per server configuration (production-like, then bulk-load: fsync,
     full_page_writes and synchronous_commit off);
  5. prints a markdown report and writes it into docs/benchmarks.md between markers;
  6. stops the server and removes its files, also on failure or interruption.

Only the Python standard library is used. Measurements: wall time (monotonic clock around the
command), client CPU (user+sys) and peak RSS from GNU time (children included: for a shell
pipeline the RSS is that of its largest process), server CPU (every server process, including
backends that exited, from /proc), and output size; CPU-seconds per GB of the dataset's COPY text.

The anchors besides ndump: pg_dump/pg_restore of the server's own version (15), pg_dump/pg_restore
18 (--pg18-bindir, run against the same server) with zstd, and pgcopydb clone (Debian's package;
installed with apt-get when missing and running as root; --no-pgcopydb leaves it out).
"""

import argparse
import datetime
import json
import os
import pathlib
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque

REPO = pathlib.Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DOC = REPO / "docs" / "benchmarks.md"
BEGIN_MARK = "<!-- BEGIN bench/run.sh results (generated; rerun bench/run.sh to replace) -->"
END_MARK = "<!-- END bench/run.sh results -->"
GNU_TIME = "/usr/bin/time"
COPY_SPLIT_BYTES = 64 * 1024 * 1024  # the two-stream COPY baseline cuts bigger heaps (ndump's default)

# Dataset sizes at --scale 1.
DEFAULT_PGBENCH_SCALE = 50
DEFAULT_MIXED_ROWS = 1_600_000
DEFAULT_SMALL_TABLES = 200
DEFAULT_MANY_TABLES = 10_000
DEFAULT_HELDOUT_ROWS = 2_000_000
PG18_BINDIR = "/var/cache/ndump/pg/18.6/bin"

# The two server configurations restores and clones run under (dumps run under the first).
BULK_SETTINGS = ("fsync", "full_page_writes", "synchronous_commit")
SERVER_CONFIGS = {
    "production": "production-like (fsync, full_page_writes, synchronous_commit on)",
    "bulk": "bulk-load (fsync, full_page_writes, synchronous_commit off)",
}

# Server settings (appended to postgresql.conf); documented in docs/benchmarks.md.
SERVER_SETTINGS = [
    ("shared_buffers", "1GB", "the datasets' hot part fits; same for every tool"),
    ("max_wal_size", "4GB", "no WAL-triggered checkpoint in the middle of a restore"),
    ("checkpoint_timeout", "30min", "no timed checkpoint either; the harness checkpoints itself"),
    ("maintenance_work_mem", "256MB", "index builds of both restore tools"),
    ("max_locks_per_transaction", "256", "dumping 10,000 tables locks them all in one transaction"),
    ("autovacuum", "off", "no background vacuum/analyze of restored copies stealing a core"),
    ("fsync", "on", "default durability: restores pay for their writes as they would in production"),
    ("synchronous_commit", "on", "default"),
    ("full_page_writes", "on", "default"),
    ("wal_level", "replica", "default (no wal_level=minimal COPY shortcut for anyone)"),
    ("listen_addresses", "''", "Unix socket only, for every client alike"),
]

_current_proc = None  # the measured child, killed if we are interrupted


class BenchError(Exception):
    pass


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(argv, *, env=None, cwd=None, capture=False, input_text=None, what=None):
    """Runs a command; raises BenchError with its output tail when it fails."""
    res = subprocess.run(argv, env=env, cwd=cwd, input=input_text, text=True,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    if res.returncode != 0:
        tail = "\n".join(res.stderr.strip().splitlines()[-20:])
        raise BenchError(f"{what or shlex.join(map(str, argv))} failed (exit {res.returncode}):\n{tail}")
    return res.stdout if capture else None


def as_postgres(argv):
    return ["runuser", "-u", "postgres", "--"] + argv if os.geteuid() == 0 else argv


# ---------------------------------------------------------------------------------------------
# The server


class Server:
    def __init__(self, workdir, bindir, port):
        self.bindir = pathlib.Path(bindir)
        self.root = workdir / "pg"  # owned by postgres: data, socket, log
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = port
        self.started = False
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGHOST=str(self.root), PGPORT=str(port), PGUSER="postgres")
        self.env = env

    def start(self):
        self.root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        run(as_postgres([str(self.bindir / "initdb"), "-D", str(self.data), "--auth=trust",
                         "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            cwd="/", what="initdb")
        conf = ["", "# bench/bench.py"]
        conf += [f"{k} = {v}" for k, v, _ in SERVER_SETTINGS]
        conf += [f"port = {self.port}", f"unix_socket_directories = '{self.root}'", ""]
        with open(self.data / "postgresql.conf", "a") as f:
            f.write("\n".join(conf))
        run(as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                         "-w", "-t", "120", "start"]), cwd="/", what="pg_ctl start")
        self.started = True

    def stop(self):
        if self.started:
            subprocess.run(as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data),
                                        "-m", "fast", "-w", "-t", "120", "stop"]),
                           cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started = False

    def tool(self, name):
        return str(self.bindir / name)

    def psql(self, db, sql, *, capture=True):
        return run([self.tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db,
                    "-c", sql], env=self.env, capture=capture, what=f"psql -d {db} -c {sql[:60]!r}")

    def psql_file(self, db, path, variables=None):
        argv = [self.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", str(path)]
        for k, v in (variables or {}).items():
            argv += ["-v", f"{k}={v}"]
        run(argv, env=self.env, what=f"psql -f {path.name}")

    def rows(self, db, sql):
        out = self.psql(db, sql)
        return [line.split("|") for line in out.splitlines() if line]

    def generation_mode(self, on):
        """Datasets are generated without durability (fsync, full page writes and synchronous
        commit off), then the server returns to the measured settings and everything is flushed.
        The bulk-load configuration is the same settings."""
        if on:
            for k in BULK_SETTINGS:
                self.psql("postgres", f"ALTER SYSTEM SET {k} = off")
        else:
            self.psql("postgres", "ALTER SYSTEM RESET ALL")
        self.psql("postgres", "SELECT pg_reload_conf()")
        if not on:
            self.checkpoint()
            os.sync()
        want = "off" if on else "on"
        time.sleep(0.5)
        got = self.psql("postgres", "SHOW fsync").strip()
        if got != want:
            raise BenchError(f"fsync is {got}, expected {want} after the reload")

    def version(self):
        return self.psql("postgres", "SELECT version()").strip()

    def checkpoint(self):
        self.psql("postgres", "CHECKPOINT")

    def cpu_seconds(self):
        """CPU seconds used so far by the postmaster, its live children and its reaped children."""
        try:
            pm = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError) as e:
            raise BenchError(f"cannot read the postmaster pid: {e}")
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            pid, ppid = int(entry), int(fields[1])
            if pid == pm:
                total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
            elif ppid == pm:
                total += int(fields[11]) + int(fields[12])
        return total / tick


# ---------------------------------------------------------------------------------------------
# Measurement


class Sample(dict):
    """wall, user, sys, cpu, rss_mib, server_cpu, size, load1, plus marks (seconds from start)."""


def parse_gnu_time(path):
    # GNU time writes "Command exited with non-zero status N" first when the command fails.
    line = path.read_text().strip().splitlines()[-1]
    wall, user, sys_, rss_kib = line.split()
    return float(user), float(sys_), int(rss_kib)


def measure(server, workdir, label, argv, *, marks=None, accept_errors=None):
    """Runs argv under GNU time; returns a Sample. marks: {name: substring of a stderr line}.
    accept_errors: a substring; a command that fails is still measured when every stderr line
    that says ERROR contains it (and there is one)."""
    global _current_proc
    tfile = workdir / "time.out"
    tfile.unlink(missing_ok=True)
    full = [GNU_TIME, "-o", str(tfile), "-f", "%e %U %S %M", "--"] + [str(a) for a in argv]
    load1 = os.getloadavg()[0]
    cpu0 = server.cpu_seconds()
    tail = deque(maxlen=30)
    errors = []
    seen = {}
    t0 = time.monotonic()
    # A session of its own, so that an interruption can stop the whole command (GNU time, the
    # tool, a pipeline's processes) through its process group.
    _current_proc = subprocess.Popen(full, env=server.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, errors="replace",
                                     start_new_session=True)
    for line in _current_proc.stderr:
        now = time.monotonic() - t0
        tail.append(line.rstrip("\n"))
        if "ERROR" in line:
            errors.append(line)
        for name, needle in (marks or {}).items():
            if name not in seen and needle in line:
                seen[name] = now
    rc = _current_proc.wait()
    wall = time.monotonic() - t0
    _current_proc = None
    accepted = (accept_errors is not None and errors and
                all(accept_errors in e for e in errors))
    if rc != 0 and not accepted:
        raise BenchError(f"{label} failed (exit {rc}): {shlex.join(map(str, argv))}\n" +
                         "\n".join(tail))
    time.sleep(0.5)  # let the postmaster reap the backends, so their CPU is counted
    server_cpu = server.cpu_seconds() - cpu0
    user, sys_, rss_kib = parse_gnu_time(tfile)
    s = Sample(wall=wall, user=user, sys=sys_, cpu=user + sys_, rss_mib=rss_kib / 1024.0,
               server_cpu=server_cpu, load1=load1)
    s.update(seen)
    return s


def path_size(p):
    p = pathlib.Path(p)
    if p.is_dir():
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return p.stat().st_size


def remove(p):
    p = pathlib.Path(p)
    if p.is_dir():
        shutil.rmtree(p)
    else:
        p.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Datasets


class Dataset:
    def __init__(self, key, db, title):
        self.key, self.db, self.title = key, db, title
        self.facts = {}     # shown in the report
        self.tables = []    # (qualified name, pg_table_size), largest first


def load_table_list(server, ds):
    rows = server.rows(ds.db, """
        SELECT format('%I.%I', n.nspname, c.relname), pg_table_size(c.oid), c.reltuples::bigint,
               pg_relation_size(c.oid) / current_setting('block_size')::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 2 DESC, 1""")
    ds.tables = [(r[0], int(r[1]), int(r[3])) for r in rows]
    ds.facts["tables"] = len(rows)
    ds.facts["rows"] = sum(max(0, int(r[2])) for r in rows)
    ds.facts["largest table"] = (f"{rows[0][0]}: {int(rows[0][1]) / 1e6:.0f} MB, "
                                 f"{100.0 * int(rows[0][1]) / max(1, sum(int(r[1]) for r in rows)):.0f}% of table bytes")


def finish_dataset(server, ds):
    server.psql(ds.db, "VACUUM (FREEZE, ANALYZE)")
    load_table_list(server, ds)
    size = int(server.psql(ds.db, "SELECT pg_database_size(current_database())"))
    ds.facts["database size"] = f"{size / 1e6:.0f} MB"
    idx = server.psql(ds.db, """SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'""")
    ds.facts["indexes"] = int(idx)
    server.checkpoint()


def make_pgbench(server, scale):
    ds = Dataset("pgbench", "bench_pgbench", f"pgbench -i -s {scale}")
    server.psql("postgres", f"CREATE DATABASE {ds.db}")
    run([server.tool("pgbench"), "-i", "-q", "-s", str(scale), ds.db], env=server.env,
        what="pgbench -i")
    finish_dataset(server, ds)
    return ds


def make_mixed(server, rows, small_tables):
    ds = Dataset("mixed", "bench_mixed",
                 f"mixed types: app.events {rows:,} rows + {small_tables} small tables")
    server.psql("postgres", f"CREATE DATABASE {ds.db}")
    server.psql_file(ds.db, BENCH / "sql" / "mixed.sql", {"rows": rows, "small_tables": small_tables})
    finish_dataset(server, ds)
    return ds


def make_heldout(server, rows, small_tables):
    ds = Dataset("heldout", "bench_heldout",
                 f"held-out mixed types: ledger.entries {rows:,} rows + {small_tables} small tables")
    server.psql("postgres", f"CREATE DATABASE {ds.db}")
    server.psql_file(ds.db, BENCH / "sql" / "heldout.sql", {"rows": rows, "small_tables": small_tables})
    finish_dataset(server, ds)
    return ds


def make_tables(server, n):
    ds = Dataset("tables", "bench_tables", f"{n:,} small tables")
    server.psql("postgres", f"CREATE DATABASE {ds.db}")
    server.psql_file(ds.db, BENCH / "sql" / "tables.sql", {"tables": n})
    finish_dataset(server, ds)
    return ds


def write_copy_scripts(ds, workdir):
    """COPY scripts: every table whole in one stream ("all"), and two streams ("s1", "s2") that
    share the work evenly: a table whose heap exceeds COPY_SPLIT_BYTES is cut into page ranges of
    about that size (TID range scans, as ndump --split-size does by default), then pieces go
    largest first to the lighter stream."""
    d = workdir / f"copy-{ds.key}"
    d.mkdir(exist_ok=True)
    pieces = []  # (weight, COPY statement)
    for name, size, pages in ds.tables:
        heap = pages * 8192
        n = max(1, -(-heap // COPY_SPLIT_BYTES)) if heap > COPY_SPLIT_BYTES else 1
        if n == 1:
            pieces.append((max(size, 8192), f"COPY {name} TO STDOUT;"))
            continue
        step = -(-pages // n)
        for k in range(n):
            lo, hi = k * step, (k + 1) * step
            cond = f"ctid >= '({lo},0)'::tid" + (f" AND ctid < '({hi},0)'::tid" if k < n - 1 else "")
            pieces.append((size / n, f"COPY (SELECT * FROM {name} WHERE {cond}) TO STDOUT;"))
    pieces.sort(key=lambda p: -p[0])
    loads, parts = [0, 0], [[], []]
    for weight, stmt in pieces:
        i = 0 if loads[0] <= loads[1] else 1
        parts[i].append(stmt)
        loads[i] += weight
    files = {}
    for key, stmts in (("all", [f"COPY {n} TO STDOUT;" for n, _, _ in ds.tables]),
                       ("s1", parts[0]), ("s2", parts[1])):
        p = d / f"{key}.sql"
        p.write_text("".join(s + "\n" for s in stmts))
        files[key] = p
    return files


# ---------------------------------------------------------------------------------------------
# Commands


class Command:
    """One benchmarked command. argv() is called per run; before/after are not timed."""

    def __init__(self, key, label, argv, *, output=None, before=None, after=None, marks=None,
                 group="dump", accept_errors=None):
        self.key, self.label, self._argv = key, label, argv
        self.output, self.before, self.after = output, before, after
        self.marks, self.group, self.accept_errors = marks, group, accept_errors

    def argv(self):
        return self._argv


def dump_commands(server, ds, bins, out, copy_files, with_copy, pg18):
    db = ds.db
    psql = f"{shlex.quote(server.tool('psql'))} -X -q -v ON_ERROR_STOP=1 -d {db}"
    ndump_marks = {"schema": "read catalog"}
    cmds = [
        Command("ndump-j1", "ndump -j1", [bins / "ndump", "-v", "-j", "1", "-d", db, "-f",
                                          out / "j1.ndump"],
                output=out / "j1.ndump", marks=ndump_marks),
        Command("ndump-j2", "ndump -j2", [bins / "ndump", "-v", "-j", "2", "-d", db, "-f",
                                          out / "j2.ndump"],
                output=out / "j2.ndump", marks=ndump_marks),
        Command("pg_dump-Fc", "pg_dump -Fc", [server.tool("pg_dump"), "-Fc", "-f", out / "pg.fc", db],
                output=out / "pg.fc"),
    ]
    if pg18 is not None:
        # The modern anchors (issue 18): pg_dump 18 against the same server, with zstd.
        cmds.append(Command("pg_dump18-Fc-zstd", "pg_dump 18 -Fc -Z zstd",
                            [pg18 / "pg_dump", "-Fc", "-Z", "zstd", "-f", out / "pg18.fc", db],
                            output=out / "pg18.fc"))
        if ds.key != "tables":
            cmds.append(Command("pg_dump18-Fd-j2-zstd", "pg_dump 18 -Fd -j2 -Z zstd",
                                [pg18 / "pg_dump", "-Fd", "-j", "2", "-Z", "zstd", "-f",
                                 out / "pg18.dir", db],
                                output=out / "pg18.dir"))
    if ds.key == "tables":
        if pg18 is not None:
            cmds.append(Command("pg_dump18-schema", "pg_dump 18 --schema-only",
                                [pg18 / "pg_dump", "--schema-only", "-f", out / "schema18.sql", db],
                                output=out / "schema18.sql"))
        cmds.append(Command("ndump-schema", "ndump --schema-only",
                            [bins / "ndump", "-v", "--schema-only", "-d", db, "-f",
                             out / "schema.ndump"],
                            output=out / "schema.ndump", marks=ndump_marks))
        cmds.append(Command("pg_dump-schema", "pg_dump --schema-only",
                            [server.tool("pg_dump"), "--schema-only", "-f", out / "schema.sql", db],
                            output=out / "schema.sql"))
    else:
        # Not the default: COPY's binary format where ndump allows it (docs/ndump.md).
        cmds.append(Command("ndump-bin-j2", "ndump -j2 --copy-format binary",
                            [bins / "ndump", "-v", "-j", "2", "--copy-format", "binary", "-d", db,
                             "-f", out / "j2bin.ndump"],
                            output=out / "j2bin.ndump", marks=ndump_marks))
        # A lever of issue 18, measured beside the default: binary COPY with zstd level 1.
        cmds.append(Command("ndump-bin-z1-j2", "ndump -j2 --copy-format binary -Z zstd:1",
                            [bins / "ndump", "-v", "-j", "2", "--copy-format", "binary", "-Z",
                             "zstd:1", "-d", db, "-f", out / "j2binz1.ndump"],
                            output=out / "j2binz1.ndump", marks=ndump_marks))
        cmds.append(Command("pg_dump-Fd-j2", "pg_dump -Fd -j2",
                            [server.tool("pg_dump"), "-Fd", "-j", "2", "-f", out / "pg.dir", db],
                            output=out / "pg.dir"))
    if with_copy:
        s1, s2, a = (shlex.quote(str(copy_files[k])) for k in ("s1", "s2", "all"))
        z1, z2 = out / "copy.1.zst", out / "copy.2.zst"
        cmds += [
            Command("copy-1", "COPY, 1 stream → /dev/null",
                    ["bash", "-c", f"set -euo pipefail; {psql} -f {a} >/dev/null"]),
            Command("copy-2", "COPY, 2 streams → /dev/null",
                    ["bash", "-c", f"set -euo pipefail; {psql} -f {s1} >/dev/null & a=$!; "
                                   f"{psql} -f {s2} >/dev/null & b=$!; wait $a; wait $b"]),
            Command("copy-2-zstd", "COPY, 2 streams → zstd -3 → files",
                    ["bash", "-c", f"set -euo pipefail; "
                                   f"({psql} -f {s1} | zstd -3 -T1 -q -c >{z1}) & a=$!; "
                                   f"({psql} -f {s2} | zstd -3 -T1 -q -c >{z2}) & b=$!; "
                                   f"wait $a; wait $b"],
                    output=[z1, z2]),
        ]
    return cmds


def restore_commands(server, ds, bins, out, pg18):
    target = "bench_restore"

    def fresh():
        server.psql("postgres", f"DROP DATABASE IF EXISTS {target}")
        server.psql("postgres", f"CREATE DATABASE {target}")

    def drop():
        server.psql("postgres", f"DROP DATABASE {target}")

    cmds = []
    for j in (1, 2):
        cmds.append(Command(f"nrestore-j{j}", f"nrestore -j{j}",
                            [bins / "nrestore", "-j", str(j), "-d", target, out / "j2.ndump"],
                            before=fresh, after=drop, group="restore"))
    if ds.key != "tables":
        cmds.append(Command("nrestore-bin-j2", "nrestore -j2 (of the --copy-format binary archive)",
                            [bins / "nrestore", "-j", "2", "-d", target, out / "j2bin.ndump"],
                            before=fresh, after=drop, group="restore"))
        # Not the default: char(n) values sent with their padding (what leaving it out is
        # worth, docs/nrestore.md).
        cmds.append(Command("nrestore-pad-j2", "nrestore -j2 --keep-char-padding",
                            [bins / "nrestore", "-j", "2", "--keep-char-padding", "-d", target,
                             out / "j2.ndump"],
                            before=fresh, after=drop, group="restore"))
    for j in (1, 2):
        cmds.append(Command(f"pg_restore-j{j}", f"pg_restore -j{j} (from -Fc)",
                            [server.tool("pg_restore"), "--exit-on-error", "-j", str(j), "-d",
                             target, out / "pg.fc"],
                            before=fresh, after=drop, group="restore"))
    if pg18 is not None:
        # pg_restore 18 sets transaction_timeout (17+) in every session, which a 15 server
        # refuses: that error, and only that one, is let through (without --exit-on-error); the
        # restored database is checked like every other.
        cmds.append(Command("pg_restore18-j2", "pg_restore 18 -j2 (from -Fc -Z zstd)",
                            [pg18 / "pg_restore", "-j", "2", "-d", target, out / "pg18.fc"],
                            before=fresh, after=drop, group="restore",
                            accept_errors='"transaction_timeout"'))
    return cmds, target


def pgcopydb_path():
    return shutil.which("pgcopydb")


def ensure_pgcopydb():
    """pgcopydb from Debian's package: installed here, in the bench's setup, never in CI."""
    if pgcopydb_path():
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        log("pgcopydb is not installed (apt-get install pgcopydb): its clone is left out")
        return False
    log("installing pgcopydb (apt-get install -y pgcopydb)")
    try:
        run(["apt-get", "install", "-y", "pgcopydb"], what="apt-get install pgcopydb")
    except BenchError as e:
        log(f"pgcopydb could not be installed, its clone is left out: {e}")
        return False
    return bool(pgcopydb_path())


def clone_commands(server, ds, bins, out, with_pgcopydb):
    """A database copied from one database into another on the same server: ndump's archive
    streamed into nrestore, and pgcopydb clone (which runs the server's own pg_dump and
    pg_restore for the schema, found on PATH)."""
    target = "bench_restore"
    work = out / "pgcopydb"

    def fresh():
        remove(work) if work.exists() else None
        server.psql("postgres", f"DROP DATABASE IF EXISTS {target}")
        server.psql("postgres", f"CREATE DATABASE {target}")

    def drop():
        server.psql("postgres", f"DROP DATABASE {target}")
        remove(work) if work.exists() else None

    nd, nr = (shlex.quote(str(bins / n)) for n in ("ndump", "nrestore"))
    cmds = [Command("clone-ndump", "ndump -j2 \\| nrestore -j2 -",
                    ["bash", "-c", f"set -euo pipefail; {nd} -j2 -d {ds.db} -f - | "
                                   f"{nr} -j2 -d {target} -"],
                    before=fresh, after=drop, group="clone")]
    if with_pgcopydb:
        def uri(db):
            return f"postgres:///{db}?host={server.root}&port={server.port}&user=postgres"
        cmds.append(Command("clone-pgcopydb", "pgcopydb clone --table-jobs 2 --index-jobs 2",
                            ["env", f"PATH={server.bindir}:{os.environ.get('PATH', '')}",
                             pgcopydb_path(), "clone", "--source", uri(ds.db), "--target",
                             uri(target), "--table-jobs", "2", "--index-jobs", "2", "--dir", work],
                            before=fresh, after=drop, group="clone"))
    return cmds


def fingerprint(server, db):
    """Per-table row counts, index count, constraint count: a cheap check that a restore is whole."""
    tables = [r[0] for r in server.rows(db, """
        SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1""")]
    counts = {}
    for i in range(0, len(tables), 200):
        chunk = tables[i:i + 200]
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in chunk)
        for name, n in server.rows(db, sql):
            counts[name] = int(n)
    extra = server.rows(db, """
        SELECT (SELECT count(*) FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')),
               (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))""")[0]
    return counts, tuple(int(x) for x in extra)


def run_rounds(server, workdir, ds, cmds, runs, results, verify_source=None, section=None):
    """Runs every command `runs` times, alternating, rotating the order each round. Results go
    under `section` (default: the dataset's key)."""
    section = section or ds.key
    for r in range(runs):
        k = r % len(cmds)
        order = cmds[k:] + cmds[:k]
        for c in order:
            outs = c.output if isinstance(c.output, list) else ([c.output] if c.output else [])
            for o in outs:
                remove(o)
            if c.before:
                c.before()
            # The previous command's writes reach the disk before this one starts: CHECKPOINT
            # moves them to the kernel, sync to the disk (else the kernel writes them back
            # during this command, which then pays for them).
            server.checkpoint()
            os.sync()
            s = measure(server, workdir, f"{section}: {c.label}", c.argv(), marks=c.marks,
                        accept_errors=c.accept_errors)
            if outs:
                s["size"] = sum(path_size(o) for o in outs)
            if verify_source is not None and r == 0:
                got = fingerprint(server, verify_source[1])
                if got != verify_source[0]:
                    raise BenchError(f"{section}: {c.label}: the restored database differs from "
                                     f"the source (row counts, indexes or constraints)")
            if c.after:
                c.after()
            results.setdefault(section, {}).setdefault(c.key, {"label": c.label, "group": c.group,
                                                               "samples": []})["samples"].append(s)
            extra = f", schema phase {s['schema']:.2f} s" if "schema" in s else ""
            log(f"{section} round {r + 1}/{runs} {c.label}: {s['wall']:.2f} s wall, "
                f"{s['cpu']:.2f} s CPU, {s['server_cpu']:.2f} s server CPU, "
                f"{s['rss_mib']:.1f} MiB{extra}")


# ---------------------------------------------------------------------------------------------
# Report


def med(samples, key):
    vals = [s[key] for s in samples if key in s]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def fmt(m, digits=2, unit=""):
    if m is None:
        return "–"
    v, lo, hi = m
    if lo == hi:
        return f"{v:.{digits}f}{unit}"
    return f"{v:.{digits}f}{unit} ({lo:.{digits}f}–{hi:.{digits}f})"


def ratio(res, a, b, key="wall"):
    if a not in res or b not in res:
        return None
    x, y = med(res[a]["samples"], key), med(res[b]["samples"], key)
    if x is None or y is None or y[0] == 0:
        return None
    return x[0] / y[0]


def per_gb(ss, key, gb):
    m = med(ss, key)
    return fmt(None if m is None or not gb else tuple(x / gb for x in m), 1)


def dataset_table(ds, res):
    """The dataset's tables of commands. CPU-s/GB: CPU seconds per 10^9 bytes of the dataset's
    COPY text (its table data as COPY writes it), client and server apart."""
    lines = []
    # Not for a dataset of hardly any data (the tables one): its figures would be per byte of
    # catalog work.
    gb = ds.copy_bytes / 1e9 if getattr(ds, "copy_bytes", 0) >= 10_000_000 else None
    groups = [("dump", "dump command", "output MB",
               [("pg_dump-Fc", "÷ pg_dump -Fc"), ("pg_dump18-Fc-zstd", "÷ pg_dump 18 -Fc -Z zstd")]),
              ("restore", "restore command", None,
               [("pg_restore-{j}", "÷ pg_restore, same -j"), ("pg_restore18-j2", "÷ pg_restore 18 -j2")]),
              ("clone", "clone command", None, [("clone-pgcopydb", "÷ pgcopydb clone")])]
    for group, title, size_col, refs in groups:
        keys = [k for k, v in res.items() if v["group"] == group]
        if not keys:
            continue
        head = (f"| {title} | wall s | client CPU s | server CPU s | client CPU s/GB "
                f"| server CPU s/GB | client peak RSS MiB |" + (f" {size_col} |" if size_col else "") +
                "".join(f" wall {r[1]} |" for r in refs))
        lines += [head, "|---" * head.count(" |") + "|"]
        for k in keys:
            ss = res[k]["samples"]
            row = (f"| {res[k]['label']} | {fmt(med(ss, 'wall'))} | {fmt(med(ss, 'cpu'))} "
                   f"| {fmt(med(ss, 'server_cpu'))} | {per_gb(ss, 'cpu', gb)} "
                   f"| {per_gb(ss, 'server_cpu', gb)} | {fmt(med(ss, 'rss_mib'), 1)} |")
            if size_col:
                size = med(ss, "size")
                row += f" {f'{size[0] / 1e6:.1f}' if size else '–'} |"
            for ref, _ in refs:
                if "{j}" in ref:
                    ref = ref.format(j=k.rsplit("-", 1)[1]) if k.startswith("nrestore") else None
                r = ratio(res, k, ref) if ref and ref != k else None
                row += f" {f'{r:.2f}' if r is not None else '–'} |"
            lines.append(row)
        lines.append("")
    sch = {k: med(res[k]["samples"], "schema") for k in ("ndump-j1", "ndump-j2") if k in res}
    sch = {k: v for k, v in sch.items() if v}
    if sch:
        lines.append("ndump schema phase (start to the end of the catalog read, from `-v`): " +
                     ", ".join(f"{res[k]['label']} {fmt(v)} s" for k, v in sch.items()) + ".")
        lines.append("")
    return lines


def targets(results):
    """(description, measured text, verdict) for each target of issue 5 that this run covers."""
    out = []

    def check(desc, value, limit, text):
        if value is None:
            out.append((desc, "not measured", "–"))
        else:
            out.append((desc, text, "met" if value <= limit else "missed"))

    m, p = results.get("mixed", {}), results.get("pgbench", {})
    r = ratio(m, "ndump-j2", "pg_dump-Fc")
    check("mixed: ndump -j2 wall ≤ 0.25 × pg_dump -Fc", r, 0.25, f"{r:.2f} ×" if r else "")
    r = ratio(m, "ndump-j2", "pg_dump-Fd-j2")
    check("mixed: ndump -j2 wall ≤ 0.3 × pg_dump -Fd -j2", r, 0.3, f"{r:.2f} ×" if r else "")
    dumped = {k: v for k, v in results.items() if "@" not in k}  # not the bulk-load sections
    for key, res in dumped.items():
        r = ratio(res, "ndump-j2", "pg_dump-Fc", key="size")
        check(f"{key}: archive size ≤ pg_dump -Fc", r, 1.0,
              f"{r:.2f} × ({med(res['ndump-j2']['samples'], 'size')[0] / 1e6:.1f} MB vs "
              f"{med(res['pg_dump-Fc']['samples'], 'size')[0] / 1e6:.1f} MB)" if r else "")
    r = ratio(m, "ndump-j2", "copy-2-zstd")
    check("mixed: ndump -j2 wall ≤ 1.2 × 2-stream COPY → zstd -3", r, 1.2, f"{r:.2f} ×" if r else "")
    r = ratio(p, "ndump-j2", "pg_dump-Fc")
    check("pgbench: ndump -j2 wall ≤ 0.85 × pg_dump -Fc", r, 0.85, f"{r:.2f} ×" if r else "")
    for key in ("pgbench", "mixed"):
        r = ratio(results.get(key, {}), "nrestore-j2", "pg_restore-j2")
        check(f"{key}: nrestore -j2 wall ≤ 0.7 × pg_restore -j2", r, 0.7, f"{r:.2f} ×" if r else "")
    for key, res in dumped.items():
        v = med(res["ndump-j2"]["samples"], "rss_mib") if "ndump-j2" in res else None
        check(f"{key}: ndump -j2 peak RSS ≤ 64 MiB", v[0] if v else None, 64.0,
              f"{v[0]:.1f} MiB" if v else "")
    t = results.get("tables", {})
    if "ndump-j2" in t and "pg_dump-schema" in t:
        sch = med(t["ndump-j2"]["samples"], "schema")
        ps = med(t["pg_dump-schema"]["samples"], "wall")
        whole = ratio(t, "ndump-j2", "pg_dump-schema")
        schema_only = ratio(t, "ndump-schema", "pg_dump-schema")
        if sch:
            r = sch[0] / ps[0]
            extra = f"; ndump --schema-only {schema_only:.2f} ×" if schema_only else ""
            check("tables: ndump schema phase ≤ 0.5 × pg_dump --schema-only", r, 0.5,
                  f"{r:.2f} × ({sch[0]:.2f} s vs {ps[0]:.2f} s; whole ndump -j2 {whole:.2f} ×"
                  f"{extra})")
    return out


def targets18(results):
    """(description, measured text, verdict) for each target of issue 18 that this run covers."""
    out = []

    def check(desc, res, a, b, limit, key="wall"):
        r = ratio(res, a, b, key)
        if r is None:
            out.append((desc, "not measured", "–"))
            return
        x, y = med(res[a]["samples"], key)[0], med(res[b]["samples"], key)[0]
        unit = (lambda v: f"{v / 1e6:.1f} MB") if key == "size" else (lambda v: f"{v:.2f} s")
        out.append((desc, f"{r:.2f} × ({unit(x)} vs {unit(y)})", "met" if r <= limit else "missed"))

    for ds in ("mixed", "heldout"):
        res = results.get(ds, {})
        if not res:
            continue
        check(f"{ds}: ndump -j2 wall ≤ 0.75 × pg_dump 18 -Fc -Z zstd", res, "ndump-j2",
              "pg_dump18-Fc-zstd", 0.75)
        check(f"{ds}: ndump -j2 wall ≤ 0.75 × pg_dump 18 -Fd -j2 -Z zstd", res, "ndump-j2",
              "pg_dump18-Fd-j2-zstd", 0.75)
        check(f"{ds}: ndump -j2 archive ≤ pg_dump 18 -Fc -Z zstd", res, "ndump-j2",
              "pg_dump18-Fc-zstd", 1.0, key="size")
    if results.get("pgbench"):
        check("pgbench: ndump -j2 wall ≤ 0.9 × pg_dump 18 -Fc -Z zstd", results["pgbench"],
              "ndump-j2", "pg_dump18-Fc-zstd", 0.9)
    for section, res in results.items():
        if "nrestore-j2" in res and "pg_restore18-j2" in res:
            check(f"{section}: nrestore -j2 wall ≤ 0.7 × pg_restore 18 -j2", res, "nrestore-j2",
                  "pg_restore18-j2", 0.7)
        if "clone-ndump" in res:
            check(f"{section}: ndump -j2 \\| nrestore -j2 - wall ≤ 0.4 × pgcopydb clone", res,
                  "clone-ndump", "clone-pgcopydb", 0.4)
    worst = None
    for section, res in results.items():
        for k, v in res.items():
            if k.startswith(("ndump", "nrestore", "clone-ndump")):
                m = med(v["samples"], "rss_mib")
                if m and (worst is None or m[0] > worst[0]):
                    worst = (m[0], f"{section}: {v['label']}")
    if worst:
        out.append(("every ndump/nrestore command: peak RSS ≤ 64 MiB",
                    f"largest median {worst[0]:.1f} MiB ({worst[1]})",
                    "met" if worst[0] <= 64.0 else "missed"))
    t = results.get("tables", {})
    if "ndump-schema" in t and "pg_dump18-schema" in t:
        check("tables: ndump --schema-only ≤ 0.5 × pg_dump 18 --schema-only", t, "ndump-schema",
              "pg_dump18-schema", 0.5)
    return out


def machine_info(bins_note):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
            "kernel": os.uname().release, "ndump": bins_note}


def git_note():
    try:
        head = run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture=True).strip()
        dirty = run(["git", "-C", str(REPO), "status", "--porcelain", "--", "libdump", "formats",
                     "tools", "CMakeLists.txt"], capture=True).strip()
    except BenchError:
        return "unknown commit"
    return f"commit {head}" + (" + uncommitted changes in libdump/ formats/ tools/" if dirty else "")


def render(args, info, pg_version, anchors, sections, results, started, elapsed, runs):
    L = []
    L.append(f"Run of {started:%Y-%m-%d %H:%M} UTC, {elapsed / 60:.1f} min in all "
             f"(dataset generation included), {runs} run(s) of each command.")
    L.append("")
    L.append(f"- command: `{args}`")
    L.append(f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, "
             f"Linux {info['kernel']}; shared with other work, so the load average is noted per run "
             f"(median {statistics.median(s['load1'] for r in results.values() for c in r.values() for s in c['samples']):.1f})")
    L.append(f"- server: {pg_version}; dumps and the first restores under the production-like "
             "settings below, restores and clones again under the bulk-load ones")
    if anchors:
        L.append(f"- anchors besides PostgreSQL 15's own pg_dump/pg_restore: {anchors}")
    L.append(f"- ndump: {info['ndump']} (Release build)")
    L.append("- figures: median (min–max) over the runs; wall from a monotonic clock, client CPU "
             "(user+sys, children included) and peak RSS from GNU time, server CPU from /proc "
             "(all server processes); MB = 10^6 bytes, MiB = 2^20 bytes")
    L.append("- COPY baselines: psql running `COPY ... TO STDOUT`; for two streams, tables whose heap "
             "exceeds 64 MiB are cut into page ranges of about 64 MiB (TID range scans, like ndump's "
             "default `--split-size`) and the pieces shared between the streams, largest first")
    L.append("- ndump and nrestore run with their defaults (zstd level 3, `--split-size` 64); "
             "pg_dump -Fc with its default compression (gzip level 6)")
    L.append("- CPU s/GB: CPU seconds (client: user+sys of the command and its children; server: "
             "all server processes) per 10^9 bytes of the dataset's table data as COPY text")
    L.append("")
    for ds, section, config in sections:
        res = results.get(section)
        if not res:
            continue
        if section == ds.key:
            L.append(f"### {ds.key}: {ds.title}")
        else:
            L.append(f"### {ds.key}, {SERVER_CONFIGS[config]} server")
        L.append("")
        loads = [s["load1"] for c in res.values() for s in c["samples"]]
        facts = ds.facts.items() if section == ds.key else []
        L.append("; ".join([f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                            for k, v in facts] + [""]) +
                 f"load average during the runs {statistics.median(loads):.1f} "
                 f"({min(loads):.1f}–{max(loads):.1f}).")
        L.append("")
        L += dataset_table(ds, res)
    L.append("### Targets (issue 18)")
    L.append("")
    L.append("| target | measured (ratio of medians) | verdict |")
    L.append("|---|---|---|")
    for desc, text, verdict in targets18(results):
        L.append(f"| {desc} | {text} | {verdict} |")
    L.append("")
    L.append("### Targets (issue 5)")
    L.append("")
    L.append("| target | measured (ratio of medians) | verdict |")
    L.append("|---|---|---|")
    for desc, text, verdict in targets(results):
        L.append(f"| {desc} | {text} | {verdict} |")
    L.append("")
    return "\n".join(L)


def write_doc(report):
    """Replaces the text between the markers in docs/benchmarks.md (re-read just now, since other
    sections of the file belong to others); appends a results section when there are none."""
    block = f"{BEGIN_MARK}\n\n{report}\n{END_MARK}"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    b, e = text.find(BEGIN_MARK), text.find(END_MARK)
    if b >= 0 and e > b:
        text = text[:b] + block + text[e + len(END_MARK):]
    else:
        text = text.rstrip("\n") + "\n\n## Dump and restore: results\n\n" + block + "\n"
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(text)
    tmp.replace(DOC)


def smoke_test(server, bins, workdir):
    """A tiny dump and restore before anything is timed: the tree is edited by others while this
    runs, and a build caught mid-edit can link and still be broken. Fails loudly if the copy is
    not whole."""
    src, dst, archive = "bench_smoke", "bench_smoke_copy", workdir / "smoke.ndump"
    server.psql("postgres", f"CREATE DATABASE {src}")
    server.psql_file(src, BENCH / "sql" / "mixed.sql", {"rows": 2000, "small_tables": 3})
    server.psql("postgres", f"CREATE DATABASE {dst}")
    for argv in ([bins / "ndump", "-j", "2", "-d", src, "-f", archive],
                 [bins / "nrestore", "-j", "2", "-d", dst, archive]):
        run([str(a) for a in argv], env=server.env, what=f"smoke test: {argv[0].name}")
    if fingerprint(server, src) != fingerprint(server, dst):
        raise BenchError("smoke test: the restored copy of a small database differs from the source")
    for db in (src, dst):
        server.psql("postgres", f"DROP DATABASE {db}")
    archive.unlink()


# ---------------------------------------------------------------------------------------------
# Main


def build(build_dir, attempts=3):
    for i in range(attempts):
        try:
            run(["cmake", "-S", str(REPO), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release"],
                what="cmake configure")
            run(["cmake", "--build", str(build_dir), "-j2", "--target", "ndump", "nrestore"],
                what="cmake --build")
            return build_dir / "tools"
        except BenchError as e:
            if i + 1 == attempts:
                raise
            log(f"build failed (the tree may be mid-edit), retrying in 60 s:\n{e}")
            time.sleep(60)


def main():
    ap = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="scale 0.1 and one run of each command (a few minutes)")
    ap.add_argument("--scale", type=float, default=None,
                    help="multiply every default dataset size by this (default 1, --quick 0.1)")
    ap.add_argument("--runs", type=int, default=None, help="runs of each command (default 3, --quick 1)")
    ap.add_argument("--datasets", default="pgbench,mixed,heldout,tables",
                    help="comma-separated subset of pgbench,mixed,heldout,tables")
    ap.add_argument("--heldout-rows", type=int, help="rows of ledger.entries (overrides --scale)")
    ap.add_argument("--configs", default="production,bulk",
                    help="server configurations restores and clones run under: comma-separated "
                         "subset of production,bulk (dumps run under the first)")
    ap.add_argument("--pg18-bindir", default=PG18_BINDIR,
                    help=f"pg_dump/pg_restore 18 for the modern anchors (default {PG18_BINDIR}; "
                         "'' leaves them out)")
    ap.add_argument("--no-pgcopydb", action="store_true", help="leave pgcopydb clone out")
    ap.add_argument("--pgbench-scale", type=int, help="pgbench -s (overrides --scale)")
    ap.add_argument("--mixed-rows", type=int, help="rows of app.events (overrides --scale)")
    ap.add_argument("--tables", type=int, help="tables of the many-tables dataset (overrides --scale)")
    ap.add_argument("--bindir", help="use ndump and nrestore from this directory (or CMake build "
                                      "directory) instead of building")
    ap.add_argument("--workdir", default="/var/tmp",
                    help="parent of the scratch directory (server data, archives); a real disk, "
                         "not tmpfs (default /var/tmp)")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory (server stopped)")
    args = ap.parse_args()

    scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    runs = args.runs if args.runs is not None else (1 if args.quick else 3)
    wanted = [d.strip() for d in args.datasets.split(",") if d.strip()]
    for d in wanted:
        if d not in ("pgbench", "mixed", "heldout", "tables"):
            ap.error(f"unknown dataset {d!r}")
    if runs < 1 or scale <= 0:
        ap.error("--runs and --scale must be positive")
    pgbench_scale = args.pgbench_scale or max(1, round(DEFAULT_PGBENCH_SCALE * scale))
    mixed_rows = args.mixed_rows or max(10_000, round(DEFAULT_MIXED_ROWS * scale))
    many_tables = args.tables or max(500, round(DEFAULT_MANY_TABLES * scale))
    heldout_rows = args.heldout_rows or max(10_000, round(DEFAULT_HELDOUT_ROWS * scale))
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if not configs or any(c not in SERVER_CONFIGS for c in configs):
        ap.error("--configs: a comma-separated subset of production,bulk")
    pg18 = pathlib.Path(args.pg18_bindir) if args.pg18_bindir else None
    if pg18 is not None and not (pg18 / "pg_dump").is_file():
        raise BenchError(f"no pg_dump in {pg18} (--pg18-bindir '' leaves the anchors out)")
    with_pgcopydb = not args.no_pgcopydb and ensure_pgcopydb()
    cmdline = "bench/run.sh" + ("" if len(sys.argv) == 1 else " " + shlex.join(sys.argv[1:]))

    for prog in (GNU_TIME, "zstd"):
        if not shutil.which(prog):
            raise BenchError(f"{prog} is required (apt-get install -y time zstd)")

    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.monotonic()
    if args.bindir:
        src = pathlib.Path(args.bindir)
        if (src / "tools" / "ndump" / "ndump").is_file():  # a CMake build directory
            tools = {n: src / "tools" / n / n for n in ("ndump", "nrestore")}
        else:
            tools = {n: src / n for n in ("ndump", "nrestore")}
    else:
        log("building ndump and nrestore (Release, build-bench/)")
        tdir = build(REPO / "build-bench")
        tools = {"ndump": tdir / "ndump" / "ndump", "nrestore": tdir / "nrestore" / "nrestore"}
    note = git_note()

    parent = pathlib.Path(args.workdir)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="ndump-bench.", dir=parent))
    os.chmod(workdir, 0o755)  # the server user must reach workdir/pg
    server = None
    try:
        bins = workdir / "bin"
        bins.mkdir()
        for n, p in tools.items():
            if not p.is_file():
                raise BenchError(f"{p} not found")
            shutil.copy2(p, bins / n)
        out = workdir / "out"
        out.mkdir()

        from_env = os.environ.get("PG_BINDIR")
        pg_bindir = from_env or "/usr/lib/postgresql/15/bin"
        if not pathlib.Path(pg_bindir, "initdb").exists():
            raise BenchError(f"no PostgreSQL binaries in {pg_bindir} (set PG_BINDIR)")
        server = Server(workdir, pg_bindir, 20000 + os.getpid() % 30000)
        log(f"starting PostgreSQL in {server.data}")
        server.start()
        pg_version = server.version()
        log("smoke test: dump and restore a small database")
        smoke_test(server, bins, workdir)

        datasets = []
        server.generation_mode(True)
        for key in wanted:
            t0 = time.monotonic()
            log(f"generating dataset {key}")
            if key == "pgbench":
                ds = make_pgbench(server, pgbench_scale)
            elif key == "mixed":
                ds = make_mixed(server, mixed_rows, DEFAULT_SMALL_TABLES)
            elif key == "heldout":
                ds = make_heldout(server, heldout_rows, DEFAULT_SMALL_TABLES)
            else:
                ds = make_tables(server, many_tables)
            ds.facts["generation"] = f"{time.monotonic() - t0:.0f} s"
            datasets.append(ds)
            log(f"{key}: {ds.facts}")
        server.generation_mode(False)

        results = {}
        sections = []  # (dataset, results section, server configuration), in report order
        for ds in datasets:
            copy_files = write_copy_scripts(ds, workdir)
            # Warm-up, untimed: read every table once so that no command meets a cold cache;
            # it also measures the dataset's COPY text volume.
            n = run(["bash", "-c", f"set -o pipefail; {shlex.quote(server.tool('psql'))} -X -q "
                                   f"-v ON_ERROR_STOP=1 -d {ds.db} -f {shlex.quote(str(copy_files['all']))} | wc -c"],
                    env=server.env, capture=True, what=f"{ds.key}: warm-up COPY")
            ds.copy_bytes = int(n)
            ds.facts["COPY text"] = f"{int(n) / 1e6:.0f} MB"
            with_copy = ds.key != "tables"
            if configs[0] == "bulk":
                server.generation_mode(True)
            log(f"{ds.key}: timing dumps")
            run_rounds(server, workdir, ds,
                       dump_commands(server, ds, bins, out, copy_files, with_copy, pg18), runs,
                       results)
            if ds.key != "tables":
                source = (fingerprint(server, ds.db), "bench_restore")
                for config in configs:
                    server.generation_mode(config == "bulk")
                    section = ds.key if config == configs[0] else f"{ds.key}@{config}"
                    sections.append((ds, section, config))
                    log(f"{section}: timing restores and clones ({config} server)")
                    cmds, _ = restore_commands(server, ds, bins, out, pg18)
                    cmds += clone_commands(server, ds, bins, out, with_pgcopydb)
                    run_rounds(server, workdir, ds, cmds, runs, results, verify_source=source,
                               section=section)
                server.generation_mode(False)
            else:
                sections.append((ds, ds.key, configs[0]))
            for p in list(out.iterdir()):
                remove(p)

        elapsed = time.monotonic() - t_start
        anchors = []
        if pg18 is not None:
            anchors.append(run([str(pg18 / "pg_dump"), "--version"], capture=True).strip() +
                           " and its pg_restore (against the server above, -Z zstd)")
        if with_pgcopydb:
            v = run([pgcopydb_path(), "--version"], capture=True).strip().splitlines()
            anchors.append(f"pgcopydb {v[0].split()[2] if v else ''} (Debian package)")
        report = render(cmdline, machine_info(note), pg_version, "; ".join(anchors), sections,
                        results, started, elapsed, runs)
        print(report)
        raw = pathlib.Path(parent) / f"ndump-bench-{started:%Y%m%d-%H%M%S}.json"
        raw.write_text(json.dumps({"command": cmdline, "results": results,
                                   "datasets": {d.key: d.facts for d in datasets}}, indent=1))
        log(f"raw samples: {raw}")
        if not args.no_doc:
            write_doc(report)
            log(f"wrote {DOC}")
    except BenchError as e:
        # Said now: removing the scratch directory can take minutes.
        log(f"error: {e}")
        log("cleaning up")
        raise
    finally:
        if _current_proc is not None:
            try:
                os.killpg(_current_proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            _current_proc.wait()
        if server is not None:
            log("stopping the server")
            server.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            log(f"removing {workdir}")
            shutil.rmtree(workdir, ignore_errors=True)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    try:
        main()
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
