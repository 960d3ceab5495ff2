-- Fidelity fixture for the remaining relation and type kinds: typed tables, foreign tables (also
-- as a partition), objects in a tablespace, base types with I/O functions, tables that had
-- columns dropped, and invalid indexes (which pg_dump leaves out, except the invalid index of a
-- partitioned table created ON ONLY, which it keeps). Names are deliberately awkward.
CREATE SCHEMA kinds;
CREATE SCHEMA "Kinds Ü ""q""";
DO $$ BEGIN CREATE ROLE fid_kinds_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE "Fid Kinds Reader"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- Tablespace: a cluster object pg_dump does not dump; its directory must belong to the server's
-- user, so the server itself makes it (COPY TO PROGRAM runs as that user). Created once per
-- cluster, next to the data directory.
SELECT NOT EXISTS (SELECT 1 FROM pg_tablespace WHERE spcname = 'Fid TS ü') AS ts_needed \gset
\if :ts_needed
SELECT current_setting('data_directory') || '/../fid_ts' AS ts_dir \gset
-- The program reads what COPY sends: a program that exits without reading lets the server's
-- write or close of the pipe fail now and then ("could not close pipe ...: Broken pipe").
SELECT 'mkdir -p ' || :'ts_dir' || ' && cat >/dev/null' AS ts_mkdir \gset
COPY (SELECT 1) TO PROGRAM :'ts_mkdir';
CREATE TABLESPACE "Fid TS ü" LOCATION :'ts_dir';
\endif

-- Typed tables -----------------------------------------------------------------------------------
CREATE TYPE kinds."Person T" AS (id integer, "Full Name" text, born date, "select" text);
COMMENT ON TYPE kinds."Person T" IS 'row type of typed tables';
CREATE TABLE kinds."People" OF kinds."Person T" (
    id WITH OPTIONS PRIMARY KEY,
    "Full Name" WITH OPTIONS NOT NULL DEFAULT 'anon',
    CONSTRAINT "born ok" CHECK (born > '1900-01-01')
);
CREATE TABLE "Kinds Ü ""q""".plain_typed OF kinds."Person T";
INSERT INTO kinds."People" VALUES (1, 'Ada', '1915-12-10', 'x'), (2, DEFAULT, NULL, NULL);
INSERT INTO "Kinds Ü ""q""".plain_typed VALUES (7, 'Bo', NULL, 'y');
COMMENT ON TABLE kinds."People" IS 'a typed table';
GRANT SELECT ON kinds."People" TO fid_kinds_user;

-- Foreign tables ---------------------------------------------------------------------------------
CREATE FOREIGN DATA WRAPPER "Kinds FDW";
CREATE SERVER "Kinds Srv" FOREIGN DATA WRAPPER "Kinds FDW" OPTIONS (host 'h''1');
CREATE FOREIGN TABLE kinds."Remote ""T""" (
    id integer OPTIONS (column_name 'ID') NOT NULL,
    "select" text OPTIONS ("Odd Opt" 'a b', x 'y') COLLATE "C" DEFAULT 'dflt',
    n numeric(10,2),
    CONSTRAINT "pos id" CHECK (id > 0)
) SERVER "Kinds Srv" OPTIONS (schema_name 'remote', table_name 'it''s');
ALTER FOREIGN TABLE kinds."Remote ""T""" ALTER COLUMN n SET STATISTICS 50;
COMMENT ON FOREIGN TABLE kinds."Remote ""T""" IS 'no handler: never scanned';
COMMENT ON COLUMN kinds."Remote ""T""".n IS 'amount';
GRANT SELECT, INSERT ON kinds."Remote ""T""" TO fid_kinds_user;
CREATE FOREIGN TABLE "Kinds Ü ""q""".no_options (a integer) SERVER "Kinds Srv";

-- A partition that is a foreign table, read through file_fdw (the data compare scans it).
CREATE EXTENSION file_fdw;
CREATE SERVER "Files Ü" FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE kinds.events (id integer, at date, note text) PARTITION BY RANGE (at);
CREATE TABLE kinds."events 2020" PARTITION OF kinds.events
    FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE FOREIGN TABLE kinds."events remote" PARTITION OF kinds.events
    FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')
    SERVER "Files Ü" OPTIONS (program 'echo 5,2021-03-04,far', format 'csv');
INSERT INTO kinds."events 2020" VALUES (1, '2020-05-06', 'near');

-- Tablespaces as table, index and constraint properties ------------------------------------------
CREATE TABLE kinds."In TS" (id integer PRIMARY KEY USING INDEX TABLESPACE "Fid TS ü", v text)
    TABLESPACE "Fid TS ü";
CREATE INDEX "In TS v" ON kinds."In TS" (v) TABLESPACE "Fid TS ü";
CREATE TABLE kinds.default_ts (id integer, v text, CONSTRAINT "u v" UNIQUE (v)
    USING INDEX TABLESPACE "Fid TS ü");
CREATE INDEX default_ts_id ON kinds.default_ts (id) TABLESPACE "Fid TS ü";
CREATE INDEX default_ts_plain ON kinds.default_ts (id, v);
CREATE TABLE kinds."Parted TS" (k integer, v text) PARTITION BY LIST (k) TABLESPACE "Fid TS ü";
CREATE TABLE kinds."Parted TS 1" PARTITION OF kinds."Parted TS" FOR VALUES IN (1);
CREATE TABLE kinds."Parted TS 2" PARTITION OF kinds."Parted TS" FOR VALUES IN (2)
    TABLESPACE pg_default;
CREATE MATERIALIZED VIEW kinds."MV TS" TABLESPACE "Fid TS ü" AS SELECT id, v FROM kinds."In TS";
INSERT INTO kinds."In TS" VALUES (1, 'one'), (2, 'two');
INSERT INTO kinds.default_ts VALUES (1, 'a');
INSERT INTO kinds."Parted TS" VALUES (1, 'p1'), (2, 'p2');
REFRESH MATERIALIZED VIEW kinds."MV TS";

-- Base types with I/O functions: shell type, functions, then the full definition ------------------
CREATE TYPE kinds."Wid get";
CREATE FUNCTION kinds."Wid get_in"(cstring) RETURNS kinds."Wid get"
    LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION kinds."Wid get_out"(kinds."Wid get") RETURNS cstring
    LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE FUNCTION kinds."Wid get_recv"(internal) RETURNS kinds."Wid get"
    LANGUAGE internal STABLE STRICT AS 'textrecv';
CREATE FUNCTION kinds."Wid get_send"(kinds."Wid get") RETURNS bytea
    LANGUAGE internal STABLE STRICT AS 'textsend';
CREATE FUNCTION kinds.widget_typmod_in(cstring[]) RETURNS integer
    LANGUAGE internal IMMUTABLE STRICT AS 'varchartypmodin';
CREATE FUNCTION kinds.widget_typmod_out(integer) RETURNS cstring
    LANGUAGE internal IMMUTABLE STRICT AS 'varchartypmodout';
CREATE FUNCTION kinds.widget_analyze(internal) RETURNS boolean
    LANGUAGE internal STRICT AS 'array_typanalyze';
CREATE TYPE kinds."Wid get" (
    INTERNALLENGTH = variable,
    INPUT = kinds."Wid get_in",
    OUTPUT = kinds."Wid get_out",
    RECEIVE = kinds."Wid get_recv",
    SEND = kinds."Wid get_send",
    TYPMOD_IN = kinds.widget_typmod_in,
    TYPMOD_OUT = kinds.widget_typmod_out,
    ANALYZE = kinds.widget_analyze,
    CATEGORY = 'X',
    PREFERRED = true,
    DEFAULT = 'zip''po',
    DELIMITER = ';',
    COLLATABLE = true,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE kinds."Wid get" IS 'text-like base type';
ALTER TYPE kinds."Wid get" OWNER TO fid_kinds_user;
REVOKE USAGE ON TYPE kinds."Wid get" FROM PUBLIC;
GRANT USAGE ON TYPE kinds."Wid get" TO "Fid Kinds Reader" WITH GRANT OPTION;

CREATE TYPE "Kinds Ü ""q""".int42;
CREATE FUNCTION "Kinds Ü ""q""".int42_in(cstring) RETURNS "Kinds Ü ""q""".int42
    LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION "Kinds Ü ""q""".int42_out("Kinds Ü ""q""".int42) RETURNS cstring
    LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE "Kinds Ü ""q""".int42 (
    INTERNALLENGTH = 4, INPUT = "Kinds Ü ""q""".int42_in, OUTPUT = "Kinds Ü ""q""".int42_out,
    ALIGNMENT = int4, DEFAULT = 42, PASSEDBYVALUE
);

CREATE TYPE kinds.pointish;
CREATE FUNCTION kinds.pointish_in(cstring) RETURNS kinds.pointish
    LANGUAGE internal IMMUTABLE STRICT AS 'point_in';
CREATE FUNCTION kinds.pointish_out(kinds.pointish) RETURNS cstring
    LANGUAGE internal IMMUTABLE STRICT AS 'point_out';
CREATE TYPE kinds.pointish (
    INTERNALLENGTH = 16, INPUT = kinds.pointish_in, OUTPUT = kinds.pointish_out,
    ELEMENT = float8, SUBSCRIPT = raw_array_subscript_handler, ALIGNMENT = double,
    STORAGE = plain
);

-- A function and a domain over the finished type, and a table of all three.
CREATE FUNCTION kinds.widget_len(kinds."Wid get") RETURNS integer LANGUAGE sql IMMUTABLE
    AS $$ SELECT length($1::text) $$;
CREATE DOMAIN kinds."Short Widget" AS kinds."Wid get"(20) CHECK (kinds.widget_len(VALUE) < 10);
CREATE TABLE kinds.gadgets (
    id integer,
    w kinds."Wid get"(12) COLLATE "C",
    s kinds."Short Widget",
    n "Kinds Ü ""q""".int42,
    p kinds.pointish,
    ws kinds."Wid get"[]
);
INSERT INTO kinds.gadgets VALUES (1, 'hello', 'short', '7', '(1,2)', '{a;b}'),
    (2, DEFAULT, NULL, DEFAULT, NULL, NULL);

-- Tables that had columns dropped --------------------------------------------------------------
CREATE TABLE kinds."Dropped Cols" (a integer, "gone 1" text, b text, "gone 2" integer,
    c integer GENERATED ALWAYS AS (a * 2) STORED);
INSERT INTO kinds."Dropped Cols" (a, "gone 1", b, "gone 2") VALUES (1, 'x', 'one', 10);
ALTER TABLE kinds."Dropped Cols" DROP COLUMN "gone 1", DROP COLUMN "gone 2";
ALTER TABLE kinds."Dropped Cols" ADD COLUMN d text DEFAULT 'late';
INSERT INTO kinds."Dropped Cols" (a, b) VALUES (2, 'two');
-- A parent that lost a column before its child or partition was made: the attnums differ.
CREATE TABLE kinds.pd (x integer, y integer, z text) PARTITION BY LIST (x);
ALTER TABLE kinds.pd DROP COLUMN y;
CREATE TABLE kinds.pd_1 PARTITION OF kinds.pd FOR VALUES IN (1);
INSERT INTO kinds.pd VALUES (1, 'pd');
CREATE TABLE kinds.inh_parent (a integer, gone text, b text);
ALTER TABLE kinds.inh_parent DROP COLUMN gone;
CREATE TABLE kinds.inh_child (c integer) INHERITS (kinds.inh_parent);
INSERT INTO kinds.inh_child VALUES (1, 'b', 3);

-- Invalid indexes ------------------------------------------------------------------------------
-- An index left invalid (as by a failed CREATE INDEX CONCURRENTLY) is not dumped.
CREATE INDEX "Broken Idx" ON kinds."Dropped Cols" (b);
UPDATE pg_catalog.pg_index SET indisvalid = false
    WHERE indexrelid = 'kinds."Broken Idx"'::regclass;
-- A partitioned table's index made ON ONLY stays invalid until every partition's index is
-- attached; pg_dump keeps it.
CREATE INDEX "pd only z" ON ONLY kinds.pd (z);

-- Owners other than the restoring user, for kinds the other fixtures leave with the default.
ALTER SCHEMA "Kinds Ü ""q""" OWNER TO fid_kinds_user;
ALTER FOREIGN TABLE kinds."Remote ""T""" OWNER TO "Fid Kinds Reader";
ALTER TABLE kinds."People" OWNER TO fid_kinds_user;
GRANT SELECT ON kinds."In TS" TO fid_kinds_user;  -- REFRESH reads as the view's owner
ALTER MATERIALIZED VIEW kinds."MV TS" OWNER TO fid_kinds_user;
ALTER SERVER "Kinds Srv" OWNER TO fid_kinds_user;
ALTER FUNCTION kinds.widget_len(kinds."Wid get") OWNER TO "Fid Kinds Reader";
ALTER DOMAIN kinds."Short Widget" OWNER TO fid_kinds_user;
COMMENT ON DOMAIN kinds."Short Widget" IS 'domain over a base type';
