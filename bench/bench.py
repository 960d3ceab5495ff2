#!/usr/bin/env python3
"""Dump and restore benchmark: ndump/nrestore against pg_dump/pg_restore and raw COPY.

Run through bench/run.sh. One invocation:
  1. builds ndump and nrestore (Release, build-bench/) unless --bindir is given, and copies the
     binaries aside so that a rebuild during the run cannot change what is measured;
  2. starts a throwaway PostgreSQL server of its own (data directory on the normal disk) and
     dumps and restores a small database with the binaries once, as a smoke test;
  3. generates the datasets: pgbench, mixed (bench/sql/mixed.sql), tables (bench/sql/tables.sql);
  4. times every command of a dataset in rounds (each round runs each command once, the order
     rotating from round to round), with a CHECKPOINT before every timed command;
  5. prints a markdown report and writes it into docs/benchmarks.md between markers;
  6. stops the server and removes its files, also on failure or interruption.

Only the Python standard library is used. Measurements: wall time (monotonic clock around the
command), client CPU (user+sys) and peak RSS from GNU time (children included: for a shell
pipeline the RSS is that of its largest process), server CPU (every server process, including
backends that exited, from /proc), and output size.
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
        commit off), then the server returns to the measured settings and everything is flushed."""
        if on:
            for k in ("fsync", "full_page_writes", "synchronous_commit"):
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


def measure(server, workdir, label, argv, *, marks=None):
    """Runs argv under GNU time; returns a Sample. marks: {name: substring of a stderr line}."""
    global _current_proc
    tfile = workdir / "time.out"
    tfile.unlink(missing_ok=True)
    full = [GNU_TIME, "-o", str(tfile), "-f", "%e %U %S %M", "--"] + [str(a) for a in argv]
    load1 = os.getloadavg()[0]
    cpu0 = server.cpu_seconds()
    tail = deque(maxlen=30)
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
        for name, needle in (marks or {}).items():
            if name not in seen and needle in line:
                seen[name] = now
    rc = _current_proc.wait()
    wall = time.monotonic() - t0
    _current_proc = None
    if rc != 0:
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
                 group="dump"):
        self.key, self.label, self._argv = key, label, argv
        self.output, self.before, self.after = output, before, after
        self.marks, self.group = marks, group

    def argv(self):
        return self._argv


def dump_commands(server, ds, bins, out, copy_files, with_copy):
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
    if ds.key == "tables":
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


def restore_commands(server, ds, bins, out):
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
    return cmds, target


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


def run_rounds(server, workdir, ds, cmds, runs, results, verify_source=None):
    """Runs every command `runs` times, alternating, rotating the order each round."""
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
            s = measure(server, workdir, f"{ds.key}: {c.label}", c.argv(), marks=c.marks)
            if outs:
                s["size"] = sum(path_size(o) for o in outs)
            if verify_source is not None and r == 0:
                got = fingerprint(server, verify_source[1])
                if got != verify_source[0]:
                    raise BenchError(f"{ds.key}: {c.label}: the restored database differs from "
                                     f"the source (row counts, indexes or constraints)")
            if c.after:
                c.after()
            results.setdefault(ds.key, {}).setdefault(c.key, {"label": c.label, "group": c.group,
                                                               "samples": []})["samples"].append(s)
            extra = f", schema phase {s['schema']:.2f} s" if "schema" in s else ""
            log(f"{ds.key} round {r + 1}/{runs} {c.label}: {s['wall']:.2f} s wall, "
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


def dataset_table(ds, res):
    lines = []
    dumps = [k for k, v in res.items() if v["group"] == "dump"]
    restores = [k for k, v in res.items() if v["group"] == "restore"]
    if dumps:
        lines += ["| dump command | wall s | client CPU s | server CPU s | client peak RSS MiB "
                  "| output MB | wall ÷ pg_dump -Fc |",
                  "|---|---|---|---|---|---|---|"]
        for k in dumps:
            ss = res[k]["samples"]
            size = med(ss, "size")
            r = ratio(res, k, "pg_dump-Fc")
            lines.append(f"| {res[k]['label']} | {fmt(med(ss, 'wall'))} | {fmt(med(ss, 'cpu'))} "
                         f"| {fmt(med(ss, 'server_cpu'))} | {fmt(med(ss, 'rss_mib'), 1)} "
                         f"| {f'{size[0] / 1e6:.1f}' if size else '–'} "
                         f"| {f'{r:.2f}' if r is not None else '–'} |")
        lines.append("")
    if restores:
        lines += ["| restore command | wall s | client CPU s | server CPU s | client peak RSS MiB "
                  "| wall ÷ pg_restore, same -j |",
                  "|---|---|---|---|---|---|"]
        for k in restores:
            ss = res[k]["samples"]
            j = k.rsplit("-", 1)[1]
            r = ratio(res, k, f"pg_restore-{j}") if k.startswith("nrestore") else None
            lines.append(f"| {res[k]['label']} | {fmt(med(ss, 'wall'))} | {fmt(med(ss, 'cpu'))} "
                         f"| {fmt(med(ss, 'server_cpu'))} | {fmt(med(ss, 'rss_mib'), 1)} "
                         f"| {f'{r:.2f}' if r is not None else '–'} |")
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
    for key, res in results.items():
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
    for key, res in results.items():
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


def render(args, info, pg_version, datasets, results, started, elapsed, runs):
    L = []
    L.append(f"Run of {started:%Y-%m-%d %H:%M} UTC, {elapsed / 60:.1f} min in all "
             f"(dataset generation included), {runs} run(s) of each command.")
    L.append("")
    L.append(f"- command: `{args}`")
    L.append(f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, "
             f"Linux {info['kernel']}; shared with other work, so the load average is noted per run "
             f"(median {statistics.median(s['load1'] for r in results.values() for c in r.values() for s in c['samples']):.1f})")
    L.append(f"- server: {pg_version}")
    L.append(f"- ndump: {info['ndump']} (Release build)")
    L.append("- figures: median (min–max) over the runs; wall from a monotonic clock, client CPU "
             "(user+sys, children included) and peak RSS from GNU time, server CPU from /proc "
             "(all server processes); MB = 10^6 bytes, MiB = 2^20 bytes")
    L.append("- COPY baselines: psql running `COPY ... TO STDOUT`; for two streams, tables whose heap "
             "exceeds 64 MiB are cut into page ranges of about 64 MiB (TID range scans, like ndump's "
             "default `--split-size`) and the pieces shared between the streams, largest first")
    L.append("- ndump and nrestore run with their defaults (zstd level 3, `--split-size` 64); "
             "pg_dump -Fc with its default compression (gzip level 6)")
    L.append("")
    for ds in datasets:
        res = results.get(ds.key)
        if not res:
            continue
        L.append(f"### {ds.key}: {ds.title}")
        L.append("")
        loads = [s["load1"] for c in res.values() for s in c["samples"]]
        L.append("; ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                           for k, v in ds.facts.items()) +
                 f"; load average during the runs {statistics.median(loads):.1f} "
                 f"({min(loads):.1f}–{max(loads):.1f}).")
        L.append("")
        L += dataset_table(ds, res)
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
    ap.add_argument("--datasets", default="pgbench,mixed,tables",
                    help="comma-separated subset of pgbench,mixed,tables")
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
        if d not in ("pgbench", "mixed", "tables"):
            ap.error(f"unknown dataset {d!r}")
    if runs < 1 or scale <= 0:
        ap.error("--runs and --scale must be positive")
    pgbench_scale = args.pgbench_scale or max(1, round(DEFAULT_PGBENCH_SCALE * scale))
    mixed_rows = args.mixed_rows or max(10_000, round(DEFAULT_MIXED_ROWS * scale))
    many_tables = args.tables or max(500, round(DEFAULT_MANY_TABLES * scale))
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
            else:
                ds = make_tables(server, many_tables)
            ds.facts["generation"] = f"{time.monotonic() - t0:.0f} s"
            datasets.append(ds)
            log(f"{key}: {ds.facts}")
        server.generation_mode(False)

        results = {}
        for ds in datasets:
            copy_files = write_copy_scripts(ds, workdir)
            # Warm-up, untimed: read every table once so that no command meets a cold cache;
            # it also measures the dataset's COPY text volume.
            n = run(["bash", "-c", f"set -o pipefail; {shlex.quote(server.tool('psql'))} -X -q "
                                   f"-v ON_ERROR_STOP=1 -d {ds.db} -f {shlex.quote(str(copy_files['all']))} | wc -c"],
                    env=server.env, capture=True, what=f"{ds.key}: warm-up COPY")
            ds.facts["COPY text"] = f"{int(n) / 1e6:.0f} MB"
            with_copy = ds.key != "tables"
            log(f"{ds.key}: timing dumps")
            run_rounds(server, workdir, ds,
                       dump_commands(server, ds, bins, out, copy_files, with_copy), runs, results)
            if ds.key != "tables":
                log(f"{ds.key}: timing restores")
                cmds, _ = restore_commands(server, ds, bins, out)
                run_rounds(server, workdir, ds, cmds, runs, results,
                           verify_source=(fingerprint(server, ds.db), "bench_restore"))
            for p in list(out.iterdir()):
                remove(p)

        elapsed = time.monotonic() - t_start
        report = render(cmdline, machine_info(note), pg_version, datasets, results, started,
                        elapsed, runs)
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
