-- Fidelity fixture for the "misc" object family: collations, range types, text search objects,
-- extended statistics, default privileges, foreign-data wrappers, servers and user mappings,
-- publications, operators and operator families/classes, access methods, conversions, shell
-- types and large objects. Names are deliberately awkward (case, spaces, quotes, unicode,
-- reserved words). Roles are cluster-wide, so they are created only when missing.
DO $$ BEGIN CREATE ROLE fid_misc_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE "Fid Misc ""Role"""; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

CREATE SCHEMA misc;
CREATE SCHEMA "Misc Ünï ""q""";
GRANT USAGE, CREATE ON SCHEMA misc TO fid_misc_user;

-- Collations ------------------------------------------------------------------------------------
CREATE COLLATION misc.c_libc (provider = libc, locale = 'C');
CREATE COLLATION misc."Split Coll" (provider = libc, lc_collate = 'C', lc_ctype = 'C.utf8');
CREATE COLLATION misc.icu_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION "Misc Ünï ""q"""."order" (provider = icu, locale = 'en');
CREATE COLLATION misc.copied FROM "C";
ALTER COLLATION misc.icu_ci OWNER TO fid_misc_user;
COMMENT ON COLLATION misc.c_libc IS 'byte order ''C''';
CREATE TABLE misc.uses_collation (a text COLLATE misc.icu_ci, b text COLLATE misc."Split Coll");
INSERT INTO misc.uses_collation VALUES ('x', 'y'), ('Ä', 'b');

-- Range types -----------------------------------------------------------------------------------
CREATE TYPE misc.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TYPE misc."Text Range" AS RANGE (subtype = text, collation = misc.c_libc,
    multirange_type_name = misc."Text Multi");
CREATE TYPE "Misc Ünï ""q"""."select" AS RANGE (subtype = int4, subtype_opclass = int4_ops);
CREATE TYPE misc.tsrange_plain AS RANGE (subtype = timestamp);
COMMENT ON TYPE misc.floatrange IS 'floating range';
ALTER TYPE misc."Text Range" OWNER TO fid_misc_user;
GRANT USAGE ON TYPE misc.floatrange TO fid_misc_user;
REVOKE USAGE ON TYPE misc.tsrange_plain FROM PUBLIC;
CREATE TABLE misc.ranges (id int PRIMARY KEY, r misc.floatrange, t misc."Text Range",
    m misc."Text Multi", s "Misc Ünï ""q"""."select");
INSERT INTO misc.ranges VALUES (1, '[1.5,2.5)', '[a,b]', '{[a,b], [d,e)}', '[1,10)'),
    (2, 'empty', NULL, '{}', '(,5]');

-- Text search -----------------------------------------------------------------------------------
CREATE TEXT SEARCH PARSER misc."My Parser" (start = prsd_start, gettoken = prsd_nexttoken,
    end = prsd_end, lextypes = prsd_lextype, headline = prsd_headline);
CREATE TEXT SEARCH PARSER misc.noheadline (start = prsd_start, gettoken = prsd_nexttoken,
    end = prsd_end, lextypes = prsd_lextype);
CREATE TEXT SEARCH TEMPLATE misc."simple tmpl" (init = dsimple_init, lexize = dsimple_lexize);
CREATE TEXT SEARCH TEMPLATE misc.lexonly (lexize = dsimple_lexize);
CREATE TEXT SEARCH DICTIONARY misc."Dict ""One""" (template = misc."simple tmpl",
    stopwords = english, accept = false);
CREATE TEXT SEARCH DICTIONARY misc.plain (template = pg_catalog.simple);
CREATE TEXT SEARCH DICTIONARY misc.syn (template = synonym, synonyms = synonym_sample);
CREATE TEXT SEARCH CONFIGURATION misc."Conf Ü" (parser = misc."My Parser");
ALTER TEXT SEARCH CONFIGURATION misc."Conf Ü" ADD MAPPING FOR asciiword, word
    WITH misc.syn, misc."Dict ""One""";
ALTER TEXT SEARCH CONFIGURATION misc."Conf Ü" ADD MAPPING FOR int, uint WITH simple;
CREATE TEXT SEARCH CONFIGURATION misc.copy_en (COPY = english);
CREATE TEXT SEARCH CONFIGURATION misc.empty_conf (parser = default);
ALTER TEXT SEARCH DICTIONARY misc.plain OWNER TO fid_misc_user;
ALTER TEXT SEARCH CONFIGURATION misc.copy_en OWNER TO "Fid Misc ""Role""";
COMMENT ON TEXT SEARCH PARSER misc."My Parser" IS 'a parser';
COMMENT ON TEXT SEARCH TEMPLATE misc."simple tmpl" IS 'a template';
COMMENT ON TEXT SEARCH DICTIONARY misc.syn IS 'synonyms';
COMMENT ON TEXT SEARCH CONFIGURATION misc."Conf Ü" IS 'a configuration';

-- Extended statistics ---------------------------------------------------------------------------
CREATE TABLE misc."Stat Table" (a int, b int, "C c" text, d date);
INSERT INTO misc."Stat Table" SELECT g, g % 7, g::text, DATE '2020-01-01' + g
    FROM generate_series(1, 50) g;
CREATE STATISTICS misc.st_default ON a, b FROM misc."Stat Table";
CREATE STATISTICS misc."St ""Kinds""" (ndistinct, dependencies) ON a, "C c"
    FROM misc."Stat Table";
CREATE STATISTICS "Misc Ünï ""q""".st_expr (mcv) ON (a + b), lower("C c") FROM misc."Stat Table";
CREATE STATISTICS misc.st_target ON b, d FROM misc."Stat Table";
CREATE STATISTICS misc.st_one_expr ON (a * 2) FROM misc."Stat Table";
ALTER STATISTICS misc.st_target SET STATISTICS 42;
CREATE STATISTICS misc.st_zero ON a, d FROM misc."Stat Table";
ALTER STATISTICS misc.st_zero SET STATISTICS 0;
ALTER STATISTICS misc.st_default OWNER TO fid_misc_user;
COMMENT ON STATISTICS misc."St ""Kinds""" IS 'two kinds';

-- Default privileges ----------------------------------------------------------------------------
ALTER DEFAULT PRIVILEGES FOR ROLE fid_misc_user GRANT SELECT ON TABLES TO "Fid Misc ""Role""";
ALTER DEFAULT PRIVILEGES FOR ROLE fid_misc_user IN SCHEMA misc
    GRANT INSERT, UPDATE ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE fid_misc_user IN SCHEMA misc
    GRANT USAGE ON SEQUENCES TO "Fid Misc ""Role""" WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE fid_misc_user REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE "Fid Misc ""Role""" REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE "Fid Misc ""Role""" GRANT USAGE ON TYPES TO fid_misc_user;
ALTER DEFAULT PRIVILEGES FOR ROLE fid_misc_user REVOKE ALL ON TABLES FROM fid_misc_user;
ALTER DEFAULT PRIVILEGES FOR ROLE fid_misc_user GRANT CREATE ON SCHEMAS TO "Fid Misc ""Role""";
ALTER DEFAULT PRIVILEGES FOR ROLE "Fid Misc ""Role""" IN SCHEMA "Misc Ünï ""q"""
    GRANT EXECUTE ON FUNCTIONS TO fid_misc_user;

-- Foreign-data wrappers, servers, user mappings -------------------------------------------------
CREATE FOREIGN DATA WRAPPER misc_fdw;
CREATE FOREIGN DATA WRAPPER "Wrapper ""Two""" OPTIONS (debug 'true', "Odd Key" 'it''s');
CREATE FOREIGN DATA WRAPPER validated VALIDATOR postgresql_fdw_validator;
ALTER FOREIGN DATA WRAPPER "Wrapper ""Two""" OWNER TO postgres;
COMMENT ON FOREIGN DATA WRAPPER misc_fdw IS 'no handler';
GRANT USAGE ON FOREIGN DATA WRAPPER misc_fdw TO fid_misc_user WITH GRANT OPTION;
CREATE SERVER plain_server FOREIGN DATA WRAPPER misc_fdw;
CREATE SERVER "Server Ü" TYPE 'oracle' VERSION '1.0' FOREIGN DATA WRAPPER "Wrapper ""Two"""
    OPTIONS (host 'db.example', port '5432');
CREATE SERVER "user" VERSION 'v''2' FOREIGN DATA WRAPPER validated OPTIONS (dbname 'x');
ALTER SERVER plain_server OWNER TO fid_misc_user;
COMMENT ON SERVER "Server Ü" IS 'remote';
GRANT USAGE ON FOREIGN SERVER "Server Ü" TO "Fid Misc ""Role""";
CREATE USER MAPPING FOR fid_misc_user SERVER plain_server;
CREATE USER MAPPING FOR PUBLIC SERVER "Server Ü" OPTIONS (user 'anon', password 'p''w');
CREATE USER MAPPING FOR "Fid Misc ""Role""" SERVER "Server Ü" OPTIONS ("user" 'r');
CREATE USER MAPPING FOR postgres SERVER "user";

-- Publications ----------------------------------------------------------------------------------
CREATE TABLE misc.pub_a (id int PRIMARY KEY, v text, w int);
CREATE TABLE misc."Pub B" (id int PRIMARY KEY, "Val" text);
CREATE TABLE "Misc Ünï ""q""".pub_c (id int);
CREATE PUBLICATION pub_all FOR ALL TABLES;
CREATE PUBLICATION "Pub ""Some""" FOR TABLE misc.pub_a (id, v) WHERE (w > 5 AND v <> 'x'),
    misc."Pub B" WITH (publish = 'insert, update', publish_via_partition_root = true);
CREATE PUBLICATION pub_schema FOR TABLES IN SCHEMA "Misc Ünï ""q""", misc;
CREATE PUBLICATION pub_empty WITH (publish = '');
CREATE PUBLICATION pub_mixed FOR TABLE misc.pub_a, TABLES IN SCHEMA "Misc Ünï ""q""";
ALTER PUBLICATION pub_empty OWNER TO postgres;
COMMENT ON PUBLICATION pub_all IS 'everything';

-- Subscriptions (never connect) -----------------------------------------------------------------
CREATE SUBSCRIPTION "Sub One" CONNECTION 'host=/nonexistent dbname=nothing'
    PUBLICATION pub_all, "Pub ""Some""" WITH (connect = false, slot_name = NONE, enabled = false);
CREATE SUBSCRIPTION sub_two CONNECTION 'dbname=x user=''q'''
    PUBLICATION p WITH (connect = false, slot_name = 'my_slot', binary = true, streaming = true,
    synchronous_commit = 'remote_apply', two_phase = true, disable_on_error = true);
COMMENT ON SUBSCRIPTION sub_two IS 'a subscription';

-- Operators, operator families and classes, access methods -------------------------------------
CREATE OPERATOR misc.=== (LEFTARG = int4, RIGHTARG = int4, FUNCTION = int4eq,
    COMMUTATOR = OPERATOR(misc.===), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR misc.<<< (LEFTARG = int4, RIGHTARG = int4, PROCEDURE = int4lt,
    NEGATOR = OPERATOR(misc.>>>=));
CREATE OPERATOR misc.>>>= (LEFTARG = int4, RIGHTARG = int4, FUNCTION = int4ge);
CREATE OPERATOR "Misc Ünï ""q""".!! (RIGHTARG = int8, FUNCTION = int8um);
ALTER OPERATOR misc.<<< (int4, int4) OWNER TO fid_misc_user;
COMMENT ON OPERATOR misc.=== (int4, int4) IS 'same int';
CREATE ACCESS METHOD "Heap Too" TYPE TABLE HANDLER heap_tableam_handler;
CREATE ACCESS METHOD btree2 TYPE INDEX HANDLER bthandler;
COMMENT ON ACCESS METHOD btree2 IS 'another btree';
CREATE OPERATOR FAMILY misc."Int Fam" USING btree2;
CREATE OPERATOR CLASS misc.int_ops2 DEFAULT FOR TYPE int4 USING btree2 FAMILY misc."Int Fam" AS
    OPERATOR 1 misc.<<<, OPERATOR 2 <=, OPERATOR 3 misc.===, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 btint4cmp(int4, int4);
CREATE OPERATOR FAMILY misc.empty_fam USING hash;
CREATE OPERATOR CLASS misc."Text Ops" FOR TYPE text USING btree AS
    OPERATOR 1 <, OPERATOR 3 =, FUNCTION 1 bttextcmp(text, text), STORAGE text;
ALTER OPERATOR FAMILY misc.empty_fam USING hash ADD FUNCTION 1 (int4) hashint4(int4);
COMMENT ON OPERATOR CLASS misc."Text Ops" USING btree IS 'text ops';
ALTER OPERATOR FAMILY misc."Int Fam" USING btree2 ADD OPERATOR 1 < (int4, int8),
    OPERATOR 3 = (int4, int8), FUNCTION 1 (int4, int8) btint48cmp(int4, int8);
COMMENT ON OPERATOR FAMILY misc."Int Fam" USING btree2 IS 'int family';
ALTER OPERATOR FAMILY misc.empty_fam USING hash OWNER TO fid_misc_user;
CREATE OPERATOR FAMILY misc.pt_fam USING gist;
ALTER OPERATOR FAMILY misc.pt_fam USING gist ADD
    OPERATOR 15 <-> (point, point) FOR ORDER BY float_ops,
    FUNCTION 8 (point, point) gist_point_distance(internal, point, smallint, oid, internal);

-- Conversions and shell types -------------------------------------------------------------------
CREATE CONVERSION misc."Conv Ü" FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE DEFAULT CONVERSION "Misc Ünï ""q""".conv_default FOR 'LATIN1' TO 'UTF8'
    FROM iso8859_1_to_utf8;
COMMENT ON CONVERSION misc."Conv Ü" IS 'latin1';
CREATE TYPE misc."Shell Only";
CREATE TYPE "Misc Ünï ""q""".shell2;
COMMENT ON TYPE misc."Shell Only" IS 'just a shell';

-- Large objects ---------------------------------------------------------------------------------
SELECT lo_from_bytea(424242, '\x00010203ff'::bytea);
SELECT lo_from_bytea(424243, convert_to(repeat('large object text ', 500), 'UTF8'));
SELECT lo_create(424244);
ALTER LARGE OBJECT 424243 OWNER TO fid_misc_user;
COMMENT ON LARGE OBJECT 424242 IS 'binary bytes';
GRANT SELECT ON LARGE OBJECT 424242 TO fid_misc_user;
GRANT SELECT, UPDATE ON LARGE OBJECT 424244 TO PUBLIC;
