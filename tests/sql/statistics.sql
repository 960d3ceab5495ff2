-- Statistics fixture (ndump --statistics): analyzed relations of every kind that has planner
-- statistics, with columns whose statistics take every form pg_stats has (most common values,
-- histograms, correlation, array element statistics, range statistics from 17), under hostile
-- names. Small: a few hundred rows a table. An extended statistics object too, whose data
-- pg_dump 18 does not carry (its definition is schema).
CREATE SCHEMA "Stat ""Q"" ü";
SET search_path = "Stat ""Q"" ü", public;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "Types Tab" (
    id integer PRIMARY KEY,
    "Mixed Case" text,
    n numeric(10, 2),
    f double precision,
    b boolean,
    d date,
    ts timestamptz,
    arr integer[],
    tags text[],
    r int4range,
    dr daterange,
    j jsonb,
    u uuid,
    m mood,
    sparse text
);
INSERT INTO "Types Tab"
SELECT i, 'word ' || (i % 13) || E' \'q\' \\ "x"', (i % 97) * 1.25, i / 7.0, i % 3 = 0,
       DATE '2025-01-01' + (i % 40), TIMESTAMPTZ '2025-01-01 00:00+00' + i * INTERVAL '37 minutes',
       ARRAY[i % 5, i % 7], ARRAY['t' || (i % 4), 'u' || (i % 9)],
       CASE WHEN i % 10 = 0 THEN 'empty'::int4range ELSE int4range(i, i + i % 17 + 1) END,
       daterange(DATE '2025-01-01' + i % 30, DATE '2025-02-01' + i % 50),
       jsonb_build_object('k', i % 6), md5(i::text)::uuid,
       (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::mood,
       CASE WHEN i % 50 = 0 THEN 'rare' END
FROM generate_series(1, 600) i;
CREATE INDEX "Expr Idx" ON "Types Tab" ((lower("Mixed Case")), (n * 2), id);
CREATE UNIQUE INDEX "uniq u" ON "Types Tab" (u);
ALTER TABLE "Types Tab" ALTER COLUMN f SET STATISTICS 20;
CREATE STATISTICS "ext ""st""" (ndistinct, dependencies, mcv) ON n, b FROM "Types Tab";

-- Partitioned, two levels, with a partitioned index.
CREATE TABLE "Part" (k integer, v text, PRIMARY KEY (k)) PARTITION BY RANGE (k);
CREATE TABLE "Part 1" PARTITION OF "Part" FOR VALUES FROM (0) TO (300);
CREATE TABLE "Part 2" PARTITION OF "Part" FOR VALUES FROM (300) TO (1000) PARTITION BY RANGE (k);
CREATE TABLE "Part 2 low" PARTITION OF "Part 2" FOR VALUES FROM (300) TO (600);
CREATE TABLE "Part 2 high" PARTITION OF "Part 2" FOR VALUES FROM (600) TO (1000);
CREATE INDEX part_v ON "Part" (v);
INSERT INTO "Part" SELECT i, 'v' || (i % 11) FROM generate_series(0, 999) i;

-- Inheritance: the parent's statistics with and without its children (inherited).
CREATE TABLE inh_parent (a integer, note text);
CREATE TABLE "inh child" (extra integer) INHERITS (inh_parent);
INSERT INTO inh_parent SELECT i, 'p' || (i % 3) FROM generate_series(1, 200) i;
INSERT INTO "inh child" SELECT i, 'c' || (i % 5), i FROM generate_series(1, 300) i;

-- A materialized view with an index, and one never refreshed.
CREATE MATERIALIZED VIEW "Mat View" AS
    SELECT k % 25 AS bucket, count(*) AS n, min(v) AS lo FROM "Part" GROUP BY 1;
CREATE INDEX mat_bucket ON "Mat View" (bucket);
CREATE MATERIALIZED VIEW mat_empty AS SELECT 1 AS one WITH NO DATA;

-- Never analyzed: relpages 0, reltuples -1 (0 before 14), no pg_stats rows.
CREATE TABLE never_analyzed (x integer);
INSERT INTO never_analyzed VALUES (1), (2);
-- Empty and analyzed.
CREATE TABLE empty_analyzed (x integer PRIMARY KEY);
-- Unlogged.
CREATE UNLOGGED TABLE "unlogged t" (x integer, y text);
INSERT INTO "unlogged t" SELECT i, repeat('y', i % 30) FROM generate_series(1, 250) i;

-- Statistics as of VACUUM (all-visible and, from 18, all-frozen pages) and as of ANALYZE.
VACUUM (FREEZE, ANALYZE) "Types Tab";
ANALYZE "Part", "Part 1", "Part 2", "Part 2 low", "Part 2 high", inh_parent, "inh child",
    "Mat View", empty_analyzed, "unlogged t";
