-- Fidelity fixture for dependency loops the dump must break (as pg_dump does), and for
-- dependencies that look like loops but are not. Names are deliberately awkward.
CREATE SCHEMA "Loop ""L""";
CREATE SCHEMA loops;

-- A view and a function returning its row type that the view reads from: the view is created
-- as a stub with the right columns, then the function, then the real definition.
CREATE VIEW loops."V Rows" AS SELECT 1 AS id, 'x'::text AS "Label";
CREATE FUNCTION loops.rows_of() RETURNS SETOF loops."V Rows" LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT 1, 'one'::text; END;
CREATE OR REPLACE VIEW loops."V Rows" AS
    SELECT r.id, r."Label" FROM loops.rows_of() r WHERE r.id > 0;
COMMENT ON VIEW loops."V Rows" IS 'breaks a loop';
CREATE VIEW loops.reads_v AS SELECT id FROM loops."V Rows";

-- Two views that read each other (made possible by CREATE OR REPLACE).
CREATE VIEW "Loop ""L""".ping AS SELECT 1 AS n;
CREATE VIEW "Loop ""L""".pong AS SELECT n FROM "Loop ""L""".ping;
CREATE OR REPLACE VIEW "Loop ""L""".ping AS SELECT n FROM "Loop ""L""".pong WHERE false;

-- A CHECK constraint calling a function that takes the table's row type.
CREATE TABLE loops."Checked" (id integer, v text);
CREATE FUNCTION loops.row_ok(r loops."Checked") RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN r.id IS NOT NULL AND length(r.v) < 20;
ALTER TABLE loops."Checked" ADD CONSTRAINT "row is ok" CHECK (loops.row_ok("Checked".*));
ALTER TABLE loops."Checked" ADD CONSTRAINT plain_check CHECK (id > 0);
INSERT INTO loops."Checked" VALUES (1, 'fine');

-- A domain constraint calling a function that returns the domain. (The call yields a positive
-- value, whose own check never reaches the call again.)
CREATE DOMAIN loops."Even" AS integer;
CREATE FUNCTION loops.two() RETURNS loops."Even" LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RETURN 2; END $$;
ALTER DOMAIN loops."Even" ADD CONSTRAINT "must be even"
    CHECK (VALUE > 0 OR VALUE::integer % loops.two()::integer = 0);
ALTER DOMAIN loops."Even" ADD CONSTRAINT small CHECK (VALUE < 1000);
CREATE TABLE loops.evens (e loops."Even");
INSERT INTO loops.evens VALUES (2), (4);

-- A domain constraint calling a plain function: not a loop.
CREATE FUNCTION loops.short_enough(t text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN length(t) < 10;
CREATE DOMAIN loops.short_text AS text CHECK (loops.short_enough(VALUE));

-- Partition hierarchies whose keys call functions, with sub-partitioning.
CREATE FUNCTION loops."bucket of"(integer) RETURNS integer LANGUAGE sql IMMUTABLE
    RETURN $1 / 10;
CREATE FUNCTION loops.lower_code(text) RETURNS text LANGUAGE sql IMMUTABLE RETURN lower($1);
CREATE TABLE loops.measured (id integer, code text, v numeric)
    PARTITION BY RANGE (loops."bucket of"(id));
CREATE TABLE loops."measured 0" PARTITION OF loops.measured FOR VALUES FROM (0) TO (1)
    PARTITION BY LIST (loops.lower_code(code));
CREATE TABLE loops."measured 0 a" PARTITION OF loops."measured 0" FOR VALUES IN ('a');
CREATE TABLE loops."measured 0 rest" PARTITION OF loops."measured 0" DEFAULT;
CREATE TABLE loops."measured 1" PARTITION OF loops.measured FOR VALUES FROM (1) TO (2);
CREATE INDEX measured_expr ON loops.measured (loops.lower_code(code));
INSERT INTO loops.measured VALUES (1, 'A', 1.5), (2, 'B', 2.5), (15, 'c', 3.5);

-- A range type and its canonical function, which take each other (shell type first).
CREATE TYPE "Loop ""L"""."Int Range";
CREATE FUNCTION "Loop ""L""".int_range_canon("Loop ""L"""."Int Range")
    RETURNS "Loop ""L"""."Int Range" LANGUAGE internal IMMUTABLE STRICT AS 'int4range_canonical';
CREATE TYPE "Loop ""L"""."Int Range" AS RANGE (subtype = int4,
    canonical = "Loop ""L""".int_range_canon);
COMMENT ON TYPE "Loop ""L"""."Int Range" IS 'discrete range';
CREATE TABLE "Loop ""L""".spans (r "Loop ""L"""."Int Range");
INSERT INTO "Loop ""L""".spans VALUES ('[1,5]'), ('(2,9)'), (NULL);

-- A view in a loop whose real definition needs a primary key (GROUP BY with a functionally
-- dependent column): its CREATE OR REPLACE waits for post-data.
CREATE TABLE loops.keyed (id integer PRIMARY KEY, v text);
INSERT INTO loops.keyed VALUES (1, 'a');
CREATE VIEW loops."Grouped" AS SELECT 1 AS id, 'x'::text AS v;
CREATE FUNCTION loops.grouped_rows() RETURNS SETOF loops."Grouped" LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT 1, 'a'::text; END;
CREATE OR REPLACE VIEW loops."Grouped" AS
    SELECT k.id, k.v FROM loops.keyed k JOIN loops.grouped_rows() g ON g.id = k.id GROUP BY k.id;
