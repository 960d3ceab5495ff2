-- foundation.sql: the round-trip fixture for the first slice of ndump.
--
-- Every object kind of the slice, a few cases each, with hostile names (mixed case, spaces,
-- double quotes, a dot, a backslash, a dollar, unicode, reserved words) and hostile values (tabs,
-- newlines, CR, backslashes, the text \N and \., NULLs, empty strings, NaN/Infinity/-0, infinity
-- dates, bytea with zero bytes, nested arrays and arrays with NULLs, json(b)).
--
-- Rules: loads with psql -v ON_ERROR_STOP=1 into an empty database of PostgreSQL 15; owned by
-- the connecting superuser only (no roles, no GRANTs); deterministic (no random(), no now() in
-- data); nothing outside the slice (no functions, triggers, partitions, inheritance, matviews,
-- extensions, policies, rules). Tests refer to names defined here: keep them stable.

SET client_min_messages = warning;
SET standard_conforming_strings = on;
SET TimeZone = 'UTC';

--------------------------------------------------------------------------------------------------
-- Schemas
--------------------------------------------------------------------------------------------------
CREATE SCHEMA "Mixed Case";
CREATE SCHEMA "we""ird.sch\ema $1";
CREATE SCHEMA "Ünïcødé 表";
CREATE SCHEMA "select";
CREATE SCHEMA types;

COMMENT ON SCHEMA "Mixed Case" IS 'A schema with a capital letter and a space';
COMMENT ON SCHEMA "we""ird.sch\ema $1" IS E'quote " dot . backslash \\ dollar $1 and a\nnewline';
COMMENT ON SCHEMA "Ünïcødé 表" IS 'Ünïcødé 表 — non-ASCII everywhere';
COMMENT ON SCHEMA "select" IS 'named after a reserved word';
COMMENT ON SCHEMA types IS 'user types used by tables in other schemas';

--------------------------------------------------------------------------------------------------
-- Types: enums, domains, composites
--------------------------------------------------------------------------------------------------
CREATE TYPE types.mood AS ENUM ('sad', 'ok', 'happy', 'it''s "complicated"', 'Ünï 表', 'with,comma',
                                'with space', 'NULL');
CREATE TYPE "Mixed Case"."Empty Enum" AS ENUM ();
CREATE TYPE "select"."enum" AS ENUM ('select', 'from', 'where');

CREATE DOMAIN types.posint AS integer
    CONSTRAINT "posint must be > 0" CHECK (VALUE > 0);
CREATE DOMAIN types."short ""text""" AS varchar(10) COLLATE "C"
    DEFAULT 'dflt' NOT NULL
    CONSTRAINT short_nonempty CHECK (VALUE <> '');
CREATE DOMAIN "Ünïcødé 表".amount AS numeric(12, 2)
    CONSTRAINT amount_nonnegative CHECK (VALUE >= 0);

CREATE TYPE types.point3 AS (x double precision, y double precision, "z axis" numeric(10, 2));
CREATE TYPE "we""ird.sch\ema $1".tagged AS (
    mood types.mood,
    tags text[],
    note text COLLATE "C",
    at timestamp(0) with time zone
);

COMMENT ON TYPE types.mood IS E'an enum whose labels contain \' " , and spaces';
COMMENT ON TYPE "Mixed Case"."Empty Enum" IS 'an enum without labels';
COMMENT ON TYPE types.point3 IS 'a composite type';
COMMENT ON TYPE "we""ird.sch\ema $1".tagged IS 'a composite using an enum of another schema';
COMMENT ON DOMAIN types.posint IS 'a domain with a named CHECK constraint';
COMMENT ON DOMAIN types."short ""text""" IS 'a domain with a collation, a default and NOT NULL';

--------------------------------------------------------------------------------------------------
-- Sequences (standalone; non-default options; advanced current values)
--------------------------------------------------------------------------------------------------
CREATE SEQUENCE "Mixed Case"."Down ""Seq"""
    AS smallint INCREMENT BY -2 MINVALUE -1000 MAXVALUE 100 START WITH 50 CACHE 5 CYCLE;
SELECT nextval('"Mixed Case"."Down ""Seq"""') FROM generate_series(1, 3);

CREATE SEQUENCE public.never_called;

CREATE SEQUENCE types.big_steps
    AS bigint INCREMENT BY 1000 MINVALUE 1000 MAXVALUE 9000000000000000000
    START WITH 1000000000000 NO CYCLE;
SELECT setval('types.big_steps', 5000000000000, false);

CREATE SEQUENCE "Ünïcødé 表"."séquence" MINVALUE 10 MAXVALUE 20 START WITH 10 CYCLE;
SELECT nextval('"Ünïcødé 表"."séquence"') FROM generate_series(1, 15);

CREATE SEQUENCE "select"."seq for ""tickets""" START WITH 100 INCREMENT BY 7;
SELECT nextval('"select"."seq for ""tickets"""') FROM generate_series(1, 4);

COMMENT ON SEQUENCE "Mixed Case"."Down ""Seq""" IS 'counts down by two, cycles';
COMMENT ON SEQUENCE public.never_called IS 'nextval was never called: is_called is false';
COMMENT ON SEQUENCE "Ünïcødé 表"."séquence" IS 'has wrapped around once';

--------------------------------------------------------------------------------------------------
-- public.hostile_values: one column per type, one row per kind of hostile value
--------------------------------------------------------------------------------------------------
CREATE TABLE public.hostile_values (
    id integer NOT NULL,
    t text,
    vc varchar(12),
    ch char(3),
    "Ünï" text COLLATE "C",
    b bytea,
    ints integer[],
    grid integer[],
    words text[],
    doc jsonb,
    js json,
    num numeric,
    fixed numeric(30, 10),
    f8 double precision,
    f4 real,
    ts timestamp(3) without time zone,
    tstz timestamp with time zone,
    d date,
    tm time(2),
    iv interval,
    flag boolean,
    u uuid,
    ip inet,
    net cidr,
    bits bit(4),
    vbits bit varying(8),
    mood types.mood,
    moods types.mood[],
    p types.point3,
    pos types.posint,
    "char" "char",
    big bigint,
    small smallint,
    mac macaddr,
    CONSTRAINT hostile_values_pkey PRIMARY KEY (id)
);

INSERT INTO public.hostile_values VALUES
  -- 1: ordinary values
  (1, 'plain', 'short', 'abc', 'ascii', '\x0102', '{1,2,3}', '{{1,2},{3,4}}', '{a,b}',
   '{"k": "v"}', '{"k": "v"}', 1.5, 12345.6789, 3.25, 1.5, '2021-06-01 12:34:56.789',
   '2021-06-01 12:34:56.123456+02', '2021-06-01', '12:34:56.78', '1 day', true,
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', B'1010', B'1',
   'happy', '{sad,ok}', '(1.5,2.5,3.25)', 1, 'a', 42, 7, '08:00:2b:01:02:03'),
  -- 2: control characters and backslashes in text
  (2, E'tab\there\nnewline\r\nCRLF \\ backslash \\\\ two', E'a\tb\nc', E'\t\n\r',
   E'back\\slash', '\x00', '{-1,0,NULL}', '{{NULL,NULL},{NULL,5}}',
   ARRAY['a,b', 'c"d', '{braces}', 'NULL', '', NULL, E'back\\slash', E'new\nline', ' spaced ',
         E'tab\t', 'ünï'],
   '{"a": [1, null, "é"], "b\"c": {"": true}, "n": 1.50, "s": "line\nbreak"}',
   '{"dup": 1,   "dup": 2}', 'NaN', -0.0000000001, 'NaN', 'NaN', '-infinity', 'infinity',
   'infinity', 'allballs', '-1 days +02:03:04.5', false, '00000000-0000-0000-0000-000000000000',
   '::ffff:1.2.3.4/120', '2001:db8::/32', B'0000', B'', 'it''s "complicated"',
   '{"it''s \"complicated\"",NULL,"with,comma"}', '(NaN,-0,-2.25)', 2147483647, E'\\',
   9223372036854775807, -32768, 'ff:ff:ff:ff:ff:ff'),
  -- 3: the COPY null marker and end-of-data marker as data, empty strings
  (3, E'\\N', '', '   ', E'\\.', '\x', '{}', '[0:2]={7,8,9}', '{}', 'null', 'null',
   'Infinity', 0, 'Infinity', '-Infinity', '-infinity', '-infinity', '-infinity',
   '23:59:59.99', '-178000000 years', NULL, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '::1',
   '::/0', B'1111', B'10101010', 'NULL', '{NULL}', '(,,)', 3, ' ', -9223372036854775808, 32767,
   '00:00:00:00:00:00'),
  -- 4: text that looks like escapes, COPY markers inside longer text, unicode and emoji
  (4, E'\\.\n\\N\n\\\\N\n\\r\\n\\t', E'\\N', 'ü表', E'Ünïcødé 表 😀 \u00e9\u0301 \u2028',
   '\x00ff5c0a0d09000000', '{2147483647,-2147483648}', '{{{1},{2}},{{3},{4}}}',
   ARRAY[E'\\N', E'\\.', 'null', '"', '\', '{', '}', ','],
   '"string with \n and \\ and \" and \u00e9"', '[1, "two", {"three": [3]}]',
   '123456789012345678901234567890.123456789012345678901234567890', -99999999999999999999.9999999999,
   1e-300, 1.4e-45, '0044-03-15 12:00:00 BC', '1999-12-31 23:59:59.999999+14',
   '0044-03-15 BC', '00:00:00', '1 year 2 mons -3 days 04:05:06.789', true,
   '11111111-2222-3333-4444-555555555555', '10.1.2.3', '192.168.100.128/25', B'0101',
   B'11111111', 'Ünï 表', '{"Ünï 表","with space",happy}', '(Infinity,-Infinity,0.01)',
   2, 'z', 0, 0, '01:23:45:67:89:ab'),
  -- 5: NULL everywhere but the key
  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL),
  -- 6: a long value (TOASTed) and extreme floats
  (6, repeat('0123456789abcdef', 6400), repeat('x', 12), 'end', repeat('表', 1000),
   decode(repeat('00ff', 5000), 'hex'), NULL, NULL, ARRAY[repeat('q', 3000)], NULL, NULL,
   '-0.000000000000000000000000000000000001', 1, 1.7976931348623157e308, 3.4028235e38,
   '2000-02-29 00:00:00', '2000-02-29 00:00:00+00', '2000-02-29', '24:00:00', '0', false, NULL,
   NULL, NULL, NULL, NULL, 'sad', '{}', '(0,0,0)', 6, NULL, 1, 1, NULL),
  -- 7: negative zero and tiny numbers
  (7, ' leading and trailing spaces ', ' ', 'a', '', '\x5c4e', '{0}', '{{0}}', '{""}',
   '{"": ""}', '""', '-0', '-0', '-0', '-0', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00',
   '1970-01-01', '00:00:00.01', '-1 microseconds', true, NULL, '0.0.0.0/0', '0.0.0.0/0', B'0001',
   B'0', 'ok', '{ok,ok,ok}', NULL, 7, NULL, -1, -1, NULL);

COMMENT ON TABLE public.hostile_values IS E'one row per kind of hostile value;\nsee foundation.sql';
COMMENT ON COLUMN public.hostile_values."Ünï" IS 'a column with a non-ASCII name and COLLATE "C"';
COMMENT ON COLUMN public.hostile_values."char" IS E'the "char" type, named "char", holding a \\';

--------------------------------------------------------------------------------------------------
-- A table with hostile names everywhere, in the hostile schema, using types of other schemas
--------------------------------------------------------------------------------------------------
CREATE TABLE "we""ird.sch\ema $1"."Tab ""le"".with.dots" (
    "Id" bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 10),
    "select" text DEFAULT E'it''s \\ "quoted"' NOT NULL,
    "from" types.mood DEFAULT 'happy'::types.mood,
    "col with space" types."short ""text""",
    "back\slash" "Ünïcødé 表".amount DEFAULT 0.5,
    "Ünïcødé 表" "we""ird.sch\ema $1".tagged,
    "table" text[] DEFAULT '{}'::text[],
    "where" "select"."enum",
    "Empty" "Mixed Case"."Empty Enum",
    CONSTRAINT "Tab ""le"" pkey" PRIMARY KEY ("Id"),
    CONSTRAINT "no ""empty"" select" CHECK ("select" <> '')
);

INSERT INTO "we""ird.sch\ema $1"."Tab ""le"".with.dots"
    ("select", "from", "col with space", "back\slash", "Ünïcødé 表", "table", "where")
VALUES
  ('first', 'sad', 'a', 1.25, ROW('ok', ARRAY['x', NULL], E'note\twith tab', '2020-01-01 00:00:00+00'),
   '{one,two}', 'select'),
  (E'second\nline', 'Ünï 表', 'b"c', 0, ROW(NULL, '{}', NULL, NULL), '{NULL}', 'from'),
  ('third', NULL, 'with space', NULL, NULL, NULL, NULL);
INSERT INTO "we""ird.sch\ema $1"."Tab ""le"".with.dots" DEFAULT VALUES;

CREATE INDEX "idx on ""from"".and.where" ON "we""ird.sch\ema $1"."Tab ""le"".with.dots"
    ("from", "where" DESC);

COMMENT ON TABLE "we""ird.sch\ema $1"."Tab ""le"".with.dots" IS 'hostile names everywhere';
COMMENT ON COLUMN "we""ird.sch\ema $1"."Tab ""le"".with.dots"."back\slash" IS
    E'column with a backslash in its name: \\';
COMMENT ON CONSTRAINT "no ""empty"" select" ON "we""ird.sch\ema $1"."Tab ""le"".with.dots" IS
    'a CHECK constraint with quotes in its name';
COMMENT ON INDEX "we""ird.sch\ema $1"."idx on ""from"".and.where" IS 'index with a dotted name';

--------------------------------------------------------------------------------------------------
-- serial, bigserial, smallserial, identity BY DEFAULT, a default from a standalone sequence
--------------------------------------------------------------------------------------------------
CREATE SEQUENCE "Mixed Case"."ticket numbers" START WITH 1000;

CREATE TABLE "Mixed Case"."Serials" (
    s serial,
    bs bigserial,
    ss smallserial,
    ident_default integer GENERATED BY DEFAULT AS IDENTITY
        (MINVALUE 5 START WITH 7 INCREMENT BY 3 CACHE 2),
    ticket integer NOT NULL DEFAULT nextval('"Mixed Case"."ticket numbers"'),
    note text DEFAULT '',
    CONSTRAINT "Serials_pkey" PRIMARY KEY (bs),
    CONSTRAINT "Serials ticket unique" UNIQUE (ticket) DEFERRABLE INITIALLY DEFERRED
);
ALTER SEQUENCE "Mixed Case"."ticket numbers" OWNED BY "Mixed Case"."Serials".ticket;

INSERT INTO "Mixed Case"."Serials" (note) VALUES ('one'), ('two'), (E'three\\');
INSERT INTO "Mixed Case"."Serials" (ident_default, note) VALUES (100, 'explicit identity');
INSERT INTO "Mixed Case"."Serials" (note) VALUES (NULL);

COMMENT ON TABLE "Mixed Case"."Serials" IS 'serial columns and identities';
COMMENT ON COLUMN "Mixed Case"."Serials".ident_default IS 'identity, BY DEFAULT, with options';
COMMENT ON SEQUENCE "Mixed Case"."ticket numbers" IS 'standalone, then OWNED BY a column';

--------------------------------------------------------------------------------------------------
-- Keys: multi-column PK, UNIQUE (deferrable), CHECKs, multi-column FK with CASCADE, self-FK
--------------------------------------------------------------------------------------------------
CREATE TABLE "select"."table" (
    "order" integer NOT NULL,
    "group" text COLLATE "C" NOT NULL,
    label varchar(40),
    kind "select"."enum" NOT NULL DEFAULT 'select',
    CONSTRAINT "table_pkey ""quoted""" PRIMARY KEY ("order", "group"),
    CONSTRAINT "label unique" UNIQUE (label),
    CONSTRAINT "check ""order"" positive" CHECK ("order" > 0),
    CONSTRAINT two_columns CHECK (length("group") < "order" + 10)
);

CREATE TABLE "select".line (
    id integer GENERATED ALWAYS AS IDENTITY,
    "order" integer,
    "group" text COLLATE "C",
    parent_line integer,
    qty numeric(10, 3) DEFAULT 1 CHECK (qty <> 0),
    label varchar(40),
    CONSTRAINT line_pkey PRIMARY KEY (id),
    CONSTRAINT line_table_fk FOREIGN KEY ("order", "group")
        REFERENCES "select"."table" ("order", "group")
        ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT line_self_fk FOREIGN KEY (parent_line) REFERENCES "select".line (id)
        ON DELETE SET NULL,
    CONSTRAINT "line label fk" FOREIGN KEY (label) REFERENCES "select"."table" (label)
        DEFERRABLE
);

INSERT INTO "select"."table" VALUES
  (1, 'a', 'first', 'select'),
  (1, 'b', 'second', 'from'),
  (2, 'a', NULL, 'where'),
  (30, E'tab\tgroup', 'tabbed', 'select');
INSERT INTO "select".line ("order", "group", qty, label) VALUES
  (1, 'a', 1, 'first'),
  (1, 'a', 2.5, NULL),
  (1, 'b', -1, 'second'),
  (30, E'tab\tgroup', 0.001, 'tabbed'),
  (NULL, NULL, 99, NULL);
UPDATE "select".line SET parent_line = 1 WHERE id IN (2, 3);
UPDATE "select".line SET parent_line = 3 WHERE id = 4;

COMMENT ON TABLE "select"."table" IS 'a table named "table" in a schema named "select"';
COMMENT ON COLUMN "select"."table"."order" IS 'a column named "order"';
COMMENT ON CONSTRAINT "table_pkey ""quoted""" ON "select"."table" IS 'two-column primary key';
COMMENT ON CONSTRAINT line_table_fk ON "select".line IS 'two-column FK, cascading, deferrable';
COMMENT ON INDEX "select"."label unique" IS 'the index behind a UNIQUE constraint';

--------------------------------------------------------------------------------------------------
-- A table of ~2000 rows with an FK into another schema and many index shapes
--------------------------------------------------------------------------------------------------
CREATE TABLE "Ünïcødé 表"."Grand table" (
    id integer NOT NULL,
    owner_id integer,
    name text NOT NULL,
    score double precision,
    price "Ünïcødé 表".amount,
    created timestamp with time zone NOT NULL DEFAULT '2020-01-01 00:00:00+00',
    tags text[],
    payload jsonb,
    CONSTRAINT "Grand table_pkey" PRIMARY KEY (id),
    CONSTRAINT grand_owner_fk FOREIGN KEY (owner_id) REFERENCES public.hostile_values (id)
        ON DELETE RESTRICT
);

INSERT INTO "Ünïcødé 表"."Grand table"
SELECT g,
       CASE WHEN g % 7 = 0 THEN NULL ELSE g % 5 + 1 END,
       CASE
         WHEN g % 100 = 0 THEN format(E'name %s\twith\ttabs\nand a newline', g)
         WHEN g % 101 = 0 THEN format(E'name %s \\N \\. \\', g)
         WHEN g % 103 = 0 THEN ''
         ELSE format('name %s %s', g, substr('Ünïcødé 表 abcdefgh', g % 10 + 1, 5))
       END,
       CASE
         WHEN g % 11 = 0 THEN NULL
         WHEN g % 499 = 0 THEN 'NaN'::double precision
         ELSE (g * 37 % 1000) / 1000.0
       END,
       CASE WHEN g % 13 = 0 THEN NULL ELSE (g % 1000) + 0.25 END,
       timestamptz '2020-01-01 00:00:00+00' + g * interval '1 hour 7 minutes',
       CASE WHEN g % 3 = 0 THEN ARRAY['t' || g % 4, NULL, 'x,y'] ELSE '{}' END,
       CASE WHEN g % 17 = 0 THEN NULL
            ELSE jsonb_build_object('g', g, 'even', g % 2 = 0, 'list', jsonb_build_array(g, 'é')) END
FROM generate_series(1, 2000) AS g;

CREATE INDEX "Grand idx: name DESC" ON "Ünïcødé 表"."Grand table"
    (name DESC NULLS LAST, score NULLS FIRST);
CREATE INDEX grand_lower_name ON "Ünïcødé 表"."Grand table" ((lower(name)) COLLATE "C");
CREATE UNIQUE INDEX grand_partial_unique ON "Ünïcødé 表"."Grand table" (owner_id, id)
    WHERE score > 0.5;
CREATE UNIQUE INDEX grand_covering ON "Ünïcødé 表"."Grand table" (id) INCLUDE (name, score);
CREATE INDEX grand_multi ON "Ünïcødé 表"."Grand table" (owner_id, created DESC, price);
CREATE INDEX "grand expr ""sum""" ON "Ünïcødé 表"."Grand table" ((score + id), (tags[1]))
    WHERE owner_id IS NOT NULL AND name <> '';

COMMENT ON TABLE "Ünïcødé 表"."Grand table" IS '2000 rows; many index shapes';
COMMENT ON COLUMN "Ünïcødé 表"."Grand table".price IS 'a domain from this schema';
COMMENT ON INDEX "Ünïcødé 表"."Grand idx: name DESC" IS 'DESC NULLS LAST, NULLS FIRST';
COMMENT ON INDEX "Ünïcødé 表".grand_partial_unique IS 'unique, partial';
COMMENT ON CONSTRAINT grand_owner_fk ON "Ünïcødé 表"."Grand table" IS
    'FK into public, ON DELETE RESTRICT';

--------------------------------------------------------------------------------------------------
-- Degenerate tables: no columns (with rows), empty, empty with constraints
--------------------------------------------------------------------------------------------------
CREATE TABLE "Mixed Case"."No Columns" ();
INSERT INTO "Mixed Case"."No Columns" DEFAULT VALUES;
INSERT INTO "Mixed Case"."No Columns" DEFAULT VALUES;
INSERT INTO "Mixed Case"."No Columns" DEFAULT VALUES;

CREATE TABLE "Mixed Case"."Nothing at all" ();

CREATE TABLE public."empty table" (
    a integer CHECK (a > 0),
    b text NOT NULL DEFAULT 'b',
    c types.point3,
    UNIQUE (a, b)
);
CREATE INDEX "empty table b idx" ON public."empty table" (b text_pattern_ops);

COMMENT ON TABLE "Mixed Case"."No Columns" IS 'zero columns, three rows';
COMMENT ON TABLE public."empty table" IS 'no rows at all';

--------------------------------------------------------------------------------------------------
-- Views: plain, with column aliases, a view on a view
--------------------------------------------------------------------------------------------------
CREATE VIEW public."Hostile view" AS
    SELECT id, t AS "text ""alias""", mood, moods[1] AS first_mood
    FROM public.hostile_values
    WHERE id < 100;

CREATE VIEW "select"."view on view" AS
    SELECT v."text ""alias""", v.mood, count(*) OVER () AS n
    FROM public."Hostile view" v
    WHERE v.mood IS DISTINCT FROM 'sad';

CREATE VIEW "Ünïcødé 表"."grand summary" (owner, "rows", best) AS
    SELECT owner_id, count(*), max(score)
    FROM "Ünïcødé 表"."Grand table"
    GROUP BY owner_id;

CREATE VIEW "we""ird.sch\ema $1"."v.dotted" AS
    SELECT l.id, t.label, t.kind
    FROM "select".line l
    JOIN "select"."table" t USING ("order", "group");

COMMENT ON VIEW public."Hostile view" IS 'a view with a quoted column alias';
COMMENT ON VIEW "select"."view on view" IS 'depends on another view';
COMMENT ON COLUMN "Ünïcødé 表"."grand summary".best IS 'comment on a view column';
