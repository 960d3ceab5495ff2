-- Owners, privileges and comments on the kinds the other fixtures leave at their defaults: every
-- object here belongs to a role other than the one restoring, most carry a non-default ACL
-- (including column privileges and grants WITH GRANT OPTION by a grantor other than the owner)
-- and a comment. Owner statements are derived at restore time from each entry's owner_object
-- (ALTER <kind> <name> OWNER TO): a wrong kind keyword or name for any kind shows in the oracle.
DO $$ BEGIN CREATE ROLE "Own ""Er"""; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE own_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE "Own Grantee Ü"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
-- A subscription's owner must be a superuser.
DO $$ BEGIN CREATE ROLE "Own Super" SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

CREATE SCHEMA "Own ""ers"" ü";
ALTER SCHEMA "Own ""ers"" ü" OWNER TO "Own ""Er""";
SET search_path = "Own ""ers"" ü", public;

-- Tables: ordinary (with column privileges), unlogged, partitioned with a partition.
CREATE TABLE "Own ""ers"" ü"."Ta ble" (id int PRIMARY KEY, "se cret" text, pub text);
ALTER TABLE "Own ""ers"" ü"."Ta ble" OWNER TO "Own ""Er""";
GRANT SELECT (id, pub), UPDATE (pub) ON "Own ""ers"" ü"."Ta ble" TO own_reader;
GRANT SELECT ON "Own ""ers"" ü"."Ta ble" TO "Own Grantee Ü" WITH GRANT OPTION;
COMMENT ON TABLE "Own ""ers"" ü"."Ta ble" IS 'owned, with column grants';
INSERT INTO "Own ""ers"" ü"."Ta ble" VALUES (1, 's', 'p'), (2, NULL, 'q');

CREATE UNLOGGED TABLE "Own ""ers"" ü".scratch (v text);
ALTER TABLE "Own ""ers"" ü".scratch OWNER TO own_reader;
REVOKE ALL ON "Own ""ers"" ü".scratch FROM own_reader;
GRANT INSERT ON "Own ""ers"" ü".scratch TO PUBLIC;

CREATE TABLE "Own ""ers"" ü".parted (k int, v text) PARTITION BY LIST (k);
CREATE TABLE "Own ""ers"" ü"."parted 1" PARTITION OF "Own ""ers"" ü".parted FOR VALUES IN (1);
ALTER TABLE "Own ""ers"" ü".parted OWNER TO "Own ""Er""";
ALTER TABLE "Own ""ers"" ü"."parted 1" OWNER TO own_reader;
GRANT SELECT ON "Own ""ers"" ü".parted TO own_reader;
INSERT INTO "Own ""ers"" ü".parted VALUES (1, 'one');

-- Sequences: standalone, and one owned by a column.
CREATE SEQUENCE "Own ""ers"" ü"."Se q" START 10 INCREMENT 5;
ALTER SEQUENCE "Own ""ers"" ü"."Se q" OWNER TO "Own ""Er""";
GRANT USAGE ON SEQUENCE "Own ""ers"" ü"."Se q" TO own_reader;
GRANT SELECT, UPDATE ON SEQUENCE "Own ""ers"" ü"."Se q" TO "Own Grantee Ü";
COMMENT ON SEQUENCE "Own ""ers"" ü"."Se q" IS 'a standalone sequence';
SELECT nextval('"Own ""ers"" ü"."Se q"');
CREATE TABLE "Own ""ers"" ü".serialed (id serial, note text);
ALTER TABLE "Own ""ers"" ü".serialed OWNER TO "Own ""Er""";
INSERT INTO "Own ""ers"" ü".serialed (note) VALUES ('a'), ('b');

-- Views and materialized views.
CREATE VIEW "Own ""ers"" ü"."V iew" AS SELECT id, pub FROM "Own ""ers"" ü"."Ta ble";
ALTER VIEW "Own ""ers"" ü"."V iew" OWNER TO "Own ""Er""";
GRANT SELECT ON "Own ""ers"" ü"."V iew" TO own_reader;
GRANT SELECT (pub) ON "Own ""ers"" ü"."V iew" TO "Own Grantee Ü";
COMMENT ON VIEW "Own ""ers"" ü"."V iew" IS 'a view with grants';
CREATE MATERIALIZED VIEW "Own ""ers"" ü".mv AS SELECT count(*) AS n FROM "Own ""ers"" ü"."Ta ble";
ALTER MATERIALIZED VIEW "Own ""ers"" ü".mv OWNER TO "Own ""Er""";
GRANT SELECT ON "Own ""ers"" ü".mv TO own_reader;

-- Types: enum, composite, domain, range.
CREATE TYPE "Own ""ers"" ü"."Mo od" AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE "Own ""ers"" ü"."Mo od" OWNER TO "Own ""Er""";
REVOKE USAGE ON TYPE "Own ""ers"" ü"."Mo od" FROM PUBLIC;
GRANT USAGE ON TYPE "Own ""ers"" ü"."Mo od" TO own_reader;
COMMENT ON TYPE "Own ""ers"" ü"."Mo od" IS 'an enum';
CREATE TYPE "Own ""ers"" ü".pair AS (a int, b text);
ALTER TYPE "Own ""ers"" ü".pair OWNER TO own_reader;
GRANT USAGE ON TYPE "Own ""ers"" ü".pair TO "Own Grantee Ü";
CREATE DOMAIN "Own ""ers"" ü"."Pos itive" AS int CHECK (VALUE > 0);
ALTER DOMAIN "Own ""ers"" ü"."Pos itive" OWNER TO "Own ""Er""";
REVOKE USAGE ON DOMAIN "Own ""ers"" ü"."Pos itive" FROM PUBLIC;
CREATE TYPE "Own ""ers"" ü".floatr AS RANGE (subtype = float8);
ALTER TYPE "Own ""ers"" ü".floatr OWNER TO "Own ""Er""";

-- Routines: a function, a procedure, a window function, an aggregate.
CREATE FUNCTION "Own ""ers"" ü"."f n"(a int) RETURNS int LANGUAGE sql IMMUTABLE
    AS $$ SELECT a + 1 $$;
ALTER FUNCTION "Own ""ers"" ü"."f n"(int) OWNER TO "Own ""Er""";
REVOKE EXECUTE ON FUNCTION "Own ""ers"" ü"."f n"(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "Own ""ers"" ü"."f n"(int) TO own_reader WITH GRANT OPTION;
CREATE PROCEDURE "Own ""ers"" ü"."p roc"(INOUT x int) LANGUAGE plpgsql
    AS $$ BEGIN x := x * 2; END $$;
ALTER PROCEDURE "Own ""ers"" ü"."p roc"(int) OWNER TO "Own ""Er""";
REVOKE EXECUTE ON PROCEDURE "Own ""ers"" ü"."p roc"(int) FROM PUBLIC;
COMMENT ON PROCEDURE "Own ""ers"" ü"."p roc"(int) IS 'doubles';
CREATE FUNCTION "Own ""ers"" ü".win_first(anyelement) RETURNS anyelement LANGUAGE internal
    WINDOW IMMUTABLE AS 'window_first_value';
ALTER FUNCTION "Own ""ers"" ü".win_first(anyelement) OWNER TO own_reader;
GRANT EXECUTE ON FUNCTION "Own ""ers"" ü".win_first(anyelement) TO "Own Grantee Ü";
COMMENT ON FUNCTION "Own ""ers"" ü".win_first(anyelement) IS 'a window function in C';
CREATE AGGREGATE "Own ""ers"" ü"."su m"(int) (sfunc = int4pl, stype = int, initcond = '0');
ALTER AGGREGATE "Own ""ers"" ü"."su m"(int) OWNER TO "Own ""Er""";
REVOKE EXECUTE ON FUNCTION "Own ""ers"" ü"."su m"(int) FROM PUBLIC;

-- Collation, conversion, text search dictionary and configuration, operator, publication.
CREATE COLLATION "Own ""ers"" ü"."co ll" (provider = icu, locale = 'und');
ALTER COLLATION "Own ""ers"" ü"."co ll" OWNER TO "Own ""Er""";
CREATE CONVERSION "Own ""ers"" ü"."con v" FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
ALTER CONVERSION "Own ""ers"" ü"."con v" OWNER TO "Own ""Er""";
CREATE TEXT SEARCH DICTIONARY "Own ""ers"" ü"."di ct" (TEMPLATE = simple);
ALTER TEXT SEARCH DICTIONARY "Own ""ers"" ü"."di ct" OWNER TO "Own ""Er""";
CREATE TEXT SEARCH CONFIGURATION "Own ""ers"" ü"."con f" (PARSER = default);
ALTER TEXT SEARCH CONFIGURATION "Own ""ers"" ü"."con f" OWNER TO "Own ""Er""";
CREATE OPERATOR "Own ""ers"" ü".### (leftarg = int, rightarg = int, function = int4pl);
ALTER OPERATOR "Own ""ers"" ü".### (int, int) OWNER TO "Own ""Er""";
CREATE PUBLICATION "Own ""pub"" ü" FOR TABLE "Own ""ers"" ü"."Ta ble";
ALTER PUBLICATION "Own ""pub"" ü" OWNER TO "Own ""Er""";
COMMENT ON PUBLICATION "Own ""pub"" ü" IS 'owned publication';


-- A procedural language (plpgsql's handler under another name) and a subscription, owned.
CREATE FUNCTION "Own ""ers"" ü".own_handler() RETURNS language_handler
    LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE TRUSTED LANGUAGE "Own PL" HANDLER "Own ""ers"" ü".own_handler;
ALTER LANGUAGE "Own PL" OWNER TO "Own ""Er""";
GRANT USAGE ON LANGUAGE "Own PL" TO own_reader;
COMMENT ON LANGUAGE "Own PL" IS 'an owned language';
CREATE SUBSCRIPTION "Own Sub" CONNECTION 'host=/nonexistent dbname=none'
    PUBLICATION "Own ""pub"" ü" WITH (connect = false, slot_name = NONE, enabled = false);
ALTER SUBSCRIPTION "Own Sub" OWNER TO "Own Super";

RESET search_path;
