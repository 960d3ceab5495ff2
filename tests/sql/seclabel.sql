-- Security labels on every kind of object a database dump carries them for, set through the
-- project's own label provider "ndump_test" (tests/seclabel/ndump_seclabel.c), which must be
-- loaded in the session (tests/fidelity/security_labels_test.cc preloads it). The provider accepts
-- only its fixed labels, so a label mangled by a dump or a restore cannot be stored. Names are
-- hostile; so are some of the labels (quotes, a backslash, a newline, UTF-8). Not a fidelity_*
-- fixture: those are loaded where no provider exists.

CREATE SCHEMA "Lab ""Ü"" sch";
SECURITY LABEL FOR ndump_test ON SCHEMA "Lab ""Ü"" sch" IS 'top secret';

-- Relations and columns.
CREATE TABLE "Lab ""Ü"" sch"."T a'b" (
    id integer PRIMARY KEY,
    "note ""q""" text,
    "select" integer
);
INSERT INTO "Lab ""Ü"" sch"."T a'b" VALUES (1, 'one', 10), (2, 'it''s two', NULL);
SECURITY LABEL FOR ndump_test ON TABLE "Lab ""Ü"" sch"."T a'b" IS 'secret';
SECURITY LABEL FOR ndump_test ON COLUMN "Lab ""Ü"" sch"."T a'b"."note ""q"""
    IS 'it''s "need to know"; eyes only';
SECURITY LABEL FOR ndump_test ON COLUMN "Lab ""Ü"" sch"."T a'b"."select" IS E'back\\slash\nand new line';

CREATE TABLE public.plain (k text);
INSERT INTO public.plain VALUES ('a'), ('b');
SECURITY LABEL FOR ndump_test ON TABLE public.plain IS 'über-geheim 機密';

CREATE VIEW "Lab ""Ü"" sch"."View ;" AS SELECT id, "note ""q""" FROM "Lab ""Ü"" sch"."T a'b";
SECURITY LABEL FOR ndump_test ON VIEW "Lab ""Ü"" sch"."View ;" IS 'classified';
SECURITY LABEL FOR ndump_test ON COLUMN "Lab ""Ü"" sch"."View ;".id IS 'unclassified';

CREATE MATERIALIZED VIEW "Lab ""Ü"" sch"."MV" AS SELECT count(*) AS n FROM public.plain;
SECURITY LABEL FOR ndump_test ON MATERIALIZED VIEW "Lab ""Ü"" sch"."MV" IS 'secret';

CREATE SEQUENCE "Lab ""Ü"" sch"."Seq ""1""" START 5;
SELECT nextval('"Lab ""Ü"" sch"."Seq ""1"""');
SECURITY LABEL FOR ndump_test ON SEQUENCE "Lab ""Ü"" sch"."Seq ""1""" IS 'classified';

CREATE FOREIGN DATA WRAPPER lab_fdw;
CREATE SERVER lab_srv FOREIGN DATA WRAPPER lab_fdw;
CREATE FOREIGN TABLE "Lab ""Ü"" sch"."Remote" (a integer, "b B" text) SERVER lab_srv;
SECURITY LABEL FOR ndump_test ON FOREIGN TABLE "Lab ""Ü"" sch"."Remote" IS 'top secret';
SECURITY LABEL FOR ndump_test ON COLUMN "Lab ""Ü"" sch"."Remote"."b B" IS 'secret';

-- Types.
CREATE TYPE "Lab ""Ü"" sch"."Mood" AS ENUM ('sad', 'it''s ok');
SECURITY LABEL FOR ndump_test ON TYPE "Lab ""Ü"" sch"."Mood" IS 'unclassified';
CREATE TYPE "Lab ""Ü"" sch".pair AS (a integer, b text);
SECURITY LABEL FOR ndump_test ON TYPE "Lab ""Ü"" sch".pair IS 'classified';
CREATE TYPE "Lab ""Ü"" sch"."Float Range" AS RANGE (subtype = float8);
SECURITY LABEL FOR ndump_test ON TYPE "Lab ""Ü"" sch"."Float Range" IS 'secret';
CREATE DOMAIN "Lab ""Ü"" sch"."Pos int" AS integer CHECK (VALUE > 0);
SECURITY LABEL FOR ndump_test ON DOMAIN "Lab ""Ü"" sch"."Pos int" IS 'it''s "need to know"; eyes only';

-- Routines.
CREATE FUNCTION "Lab ""Ü"" sch"."F(x)"(integer, text) RETURNS integer
    LANGUAGE sql IMMUTABLE RETURN $1;
SECURITY LABEL FOR ndump_test ON FUNCTION "Lab ""Ü"" sch"."F(x)"(integer, text) IS 'secret';
CREATE PROCEDURE "Lab ""Ü"" sch"."Do It"(n integer) LANGUAGE sql BEGIN ATOMIC SELECT n; END;
SECURITY LABEL FOR ndump_test ON PROCEDURE "Lab ""Ü"" sch"."Do It"(integer) IS 'top secret';
CREATE AGGREGATE "Lab ""Ü"" sch"."Sum ""all"""(integer) (sfunc = int4pl, stype = integer);
SECURITY LABEL FOR ndump_test ON AGGREGATE "Lab ""Ü"" sch"."Sum ""all"""(integer)
    IS 'classified';

-- A procedural language of its own (plpgsql's handler under another name).
CREATE FUNCTION "Lab ""Ü"" sch".lab_handler() RETURNS language_handler
    LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE LANGUAGE "Lab Lang" HANDLER "Lab ""Ü"" sch".lab_handler;
SECURITY LABEL FOR ndump_test ON LANGUAGE "Lab Lang" IS 'über-geheim 機密';

-- An event trigger (harmless during a restore: it does nothing).
CREATE FUNCTION "Lab ""Ü"" sch".on_ddl() RETURNS event_trigger
    LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER "Lab ""evt""" ON ddl_command_end EXECUTE FUNCTION "Lab ""Ü"" sch".on_ddl();
SECURITY LABEL FOR ndump_test ON EVENT TRIGGER "Lab ""evt""" IS 'secret';

-- A publication.
CREATE PUBLICATION "Lab pub" FOR TABLE public.plain;
SECURITY LABEL FOR ndump_test ON PUBLICATION "Lab pub" IS 'unclassified';

-- A subscription (never connects): its label is in pg_shseclabel, pg_subscription being shared.
CREATE SUBSCRIPTION "Lab ""sub""" CONNECTION 'host=/nonexistent dbname=nothing'
    PUBLICATION "Lab pub" WITH (connect = false, slot_name = NONE, enabled = false);
SECURITY LABEL FOR ndump_test ON SUBSCRIPTION "Lab ""sub""" IS 'back\slash
and new line';

-- A large object: data, so only the row comparison of the tests sees its label.
SELECT lo_from_bytea(947101, '\x00ff'::bytea);
SECURITY LABEL FOR ndump_test ON LARGE OBJECT 947101 IS 'top secret';
