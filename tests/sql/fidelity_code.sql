-- Fidelity fixture for code-like objects: functions, procedures, aggregates, languages,
-- extensions, triggers, event triggers, rules, casts, transforms. Loaded with
-- psql -v ON_ERROR_STOP=1 into a fresh database; names are hostile on purpose.

-- Roles are cluster-wide and the restore target lives in the same cluster.
DO $$ BEGIN CREATE ROLE fid_code_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE "Fid Code ""Owner"""; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
-- Event triggers can only be owned by superusers.
DO $$ BEGIN CREATE ROLE "fid code super" SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

CREATE SCHEMA "Code Ü";
CREATE SCHEMA "select";

-- Extensions: a column of an extension's type and an index with an extension's operator class.
CREATE EXTENSION hstore WITH SCHEMA public;
CREATE EXTENSION pg_trgm WITH SCHEMA "Code Ü";
COMMENT ON EXTENSION pg_trgm IS 'trigram matching, in a schema of its own';
-- An extension that requires another one. (PostgreSQL 18 refuses quotes, $, ' and \ in the schema
-- of an extension whose script names @extschema@: cube's.)
CREATE SCHEMA "Ext Deps.select";
CREATE EXTENSION earthdistance WITH SCHEMA "Ext Deps.select" CASCADE;

-- Privileges changed on extension members after CREATE EXTENSION.
REVOKE ALL ON FUNCTION public.hstore_to_array(public.hstore) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.hstore_to_array(public.hstore) TO fid_code_user;
GRANT EXECUTE ON FUNCTION "Code Ü".similarity(text, text) TO fid_code_user WITH GRANT OPTION;

CREATE TABLE "Code Ü"."Tbl ""q""" (
    id integer PRIMARY KEY,
    "Label" text NOT NULL DEFAULT 'x',
    attrs public.hstore,
    tags public.hstore[]
);
CREATE INDEX "Tbl trgm" ON "Code Ü"."Tbl ""q""" USING gist ("Label" "Code Ü".gist_trgm_ops);
INSERT INTO "Code Ü"."Tbl ""q""" VALUES
    (1, 'one', 'a=>1, b=>2', ARRAY['k=>v'::public.hstore]),
    (2, 'two', NULL, NULL);

CREATE TABLE "select"."order" (
    "from" integer,
    note text,
    changed_at timestamp with time zone
);
INSERT INTO "select"."order" VALUES (1, 'first', NULL), (2, 'second', NULL);

CREATE TABLE public.audit_log (op text, n bigint);

CREATE TYPE "Code Ü".mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE "Code Ü"."Other Mood" AS ENUM ('low', 'mid', 'high');

-- Functions: overloads, every attribute, SET clauses, SQL-standard bodies, row types.
CREATE FUNCTION "Code Ü"."Add"(a integer, b integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS $$ SELECT a + b $$;
CREATE FUNCTION "Code Ü"."Add"(a text, b text) RETURNS text
    LANGUAGE sql STABLE COST 7
    AS $$ SELECT a || b $$;
CREATE FUNCTION "Code Ü"."Add"(VARIADIC parts numeric[]) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL RESTRICTED
    AS $$ SELECT sum(x) FROM unnest(parts) x $$;
COMMENT ON FUNCTION "Code Ü"."Add"(integer, integer) IS 'adds two integers';

CREATE FUNCTION "select"."table"(OUT "from" integer, INOUT "ö" text, OUT "end" boolean)
    RETURNS SETOF record
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER ROWS 42
    SET search_path TO pg_catalog, pg_temp
    SET work_mem TO '8MB'
    AS $$
BEGIN
  "from" := 1; "end" := true;
  RETURN NEXT;
END;
$$;

CREATE FUNCTION "Code Ü".rows_of() RETURNS SETOF "Code Ü"."Tbl ""q"""
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM "Code Ü"."Tbl ""q""" $$;

CREATE FUNCTION "Code Ü".label_of(t "Code Ü"."Tbl ""q""") RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN t."Label";

CREATE FUNCTION "Code Ü".count_orders() RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM "select"."order";
END;

-- A SQL-standard body that is valid only once the primary key exists (GROUP BY the key): the
-- function must wait for post-data.
CREATE TABLE public.keyed (id integer PRIMARY KEY, v text);
INSERT INTO public.keyed VALUES (1, 'a'), (2, 'b');
CREATE FUNCTION public.values_by_key() RETURNS SETOF text
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT v FROM public.keyed GROUP BY id;
END;
COMMENT ON FUNCTION public.values_by_key() IS 'needs keyed_pkey';
GRANT EXECUTE ON FUNCTION public.values_by_key() TO fid_code_user;

CREATE FUNCTION public.hstore_keys_count(h public.hstore) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT array_length(public.akeys(h), 1) $$;

CREATE FUNCTION public."Wild €"(x anyelement, y anycompatible DEFAULT NULL)
    RETURNS anycompatiblearray
    LANGUAGE sql CALLED ON NULL INPUT
    AS $$ SELECT ARRAY[y] $$;

-- A window function and a set-returning function with a planner support function.
CREATE FUNCTION "Code Ü".my_rank() RETURNS bigint
    LANGUAGE internal WINDOW IMMUTABLE
    AS 'window_rank';
CREATE FUNCTION "Code Ü".my_series(integer, integer) RETURNS SETOF integer
    LANGUAGE internal IMMUTABLE STRICT
    SUPPORT pg_catalog.generate_series_int4_support
    AS 'generate_series_int4';

CREATE PROCEDURE "select"."Do It"(IN n integer, INOUT total bigint DEFAULT 0)
    LANGUAGE plpgsql
    SET client_min_messages TO 'warning'
    AS $$ BEGIN total := total + n; END $$;
CREATE PROCEDURE "Code Ü".atomic_proc(n integer)
    LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO public.audit_log VALUES ('proc', n);
END;
COMMENT ON PROCEDURE "select"."Do It"(integer, bigint) IS 'a procedure';

-- Ownership and privileges.
ALTER FUNCTION "Code Ü"."Add"(text, text) OWNER TO "Fid Code ""Owner""";
REVOKE EXECUTE ON FUNCTION "Code Ü"."Add"(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "Code Ü"."Add"(integer, integer) TO fid_code_user;
GRANT EXECUTE ON FUNCTION "Code Ü"."Add"(text, text) TO fid_code_user WITH GRANT OPTION;
REVOKE ALL ON PROCEDURE "select"."Do It"(integer, bigint) FROM PUBLIC;
GRANT ALL ON PROCEDURE "select"."Do It"(integer, bigint) TO "Fid Code ""Owner""";

-- A table default and a check constraint that call user functions.
CREATE TABLE "Code Ü".uses_fn (
    n integer DEFAULT "Code Ü"."Add"(1, 2),
    CONSTRAINT positive CHECK ("Code Ü"."Add"(n, 0) > 0)
);
INSERT INTO "Code Ü".uses_fn DEFAULT VALUES;

-- Aggregates: plain, with final/combine/serial functions, moving, sort operator, ordered-set,
-- hypothetical-set, zero-argument.
CREATE FUNCTION "Code Ü".sum_sfunc(state bigint, v integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT state + v $$;
CREATE FUNCTION "Code Ü".sum_inv(state bigint, v integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT state - v $$;
CREATE FUNCTION "Code Ü".sum_final(state bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT 'total ' || state $$;

CREATE AGGREGATE "Code Ü"."My Sum"(integer) (
    SFUNC = "Code Ü".sum_sfunc,
    STYPE = bigint,
    FINALFUNC = "Code Ü".sum_final,
    COMBINEFUNC = int8pl,
    INITCOND = '0',
    MSFUNC = "Code Ü".sum_sfunc,
    MINVFUNC = "Code Ü".sum_inv,
    MSTYPE = bigint,
    MFINALFUNC = "Code Ü".sum_final,
    MINITCOND = '0',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE "Code Ü"."My Sum"(integer) IS 'a moving-capable sum';

CREATE AGGREGATE public.my_avg(numeric) (
    SFUNC = numeric_avg_accum,
    STYPE = internal,
    SSPACE = 128,
    FINALFUNC = numeric_avg,
    COMBINEFUNC = numeric_avg_combine,
    SERIALFUNC = numeric_avg_serialize,
    DESERIALFUNC = numeric_avg_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE "select".my_max(integer) (
    SFUNC = int4larger,
    STYPE = integer,
    SORTOP = >
);

CREATE AGGREGATE "Code Ü".my_count(*) (
    SFUNC = int8inc,
    STYPE = bigint,
    INITCOND = '0'
);

CREATE AGGREGATE "Code Ü"."my median"(double precision ORDER BY double precision) (
    SFUNC = ordered_set_transition,
    STYPE = internal,
    FINALFUNC = percentile_cont_float8_final,
    FINALFUNC_MODIFY = SHAREABLE
);

CREATE AGGREGATE "Code Ü".my_mode(ORDER BY anyelement) (
    SFUNC = ordered_set_transition,
    STYPE = internal,
    FINALFUNC = mode_final,
    FINALFUNC_EXTRA
);

CREATE AGGREGATE "Code Ü".my_rank_of(VARIADIC "any" ORDER BY VARIADIC "any") (
    SFUNC = ordered_set_transition_multi,
    STYPE = internal,
    FINALFUNC = rank_final,
    FINALFUNC_EXTRA,
    HYPOTHETICAL
);

ALTER AGGREGATE "select".my_max(integer) OWNER TO fid_code_user;
ALTER AGGREGATE "Code Ü"."my median"(double precision ORDER BY double precision)
    OWNER TO "Fid Code ""Owner""";
COMMENT ON AGGREGATE "Code Ü"."my median"(double precision ORDER BY double precision)
    IS 'an ordered-set aggregate';
REVOKE ALL ON FUNCTION "Code Ü"."my median"(double precision, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION "Code Ü".my_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "Code Ü".my_count() TO fid_code_user;
REVOKE ALL ON FUNCTION "Code Ü"."My Sum"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "Code Ü"."My Sum"(integer) TO fid_code_user;

-- Triggers: BEFORE/AFTER/INSTEAD OF, WHEN, transition tables, constraint triggers, arguments,
-- column lists, disabled and replica/always states.
CREATE FUNCTION "select"."touch ""it"""() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_at := now();
  RETURN NEW;
END;
$$;
CREATE FUNCTION public.audit() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.audit_log SELECT TG_OP, count(*) FROM new_rows;
  RETURN NULL;
END;
$$;
CREATE FUNCTION public.noop_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;

CREATE TRIGGER "Before ""Touch"""
    BEFORE INSERT OR UPDATE OF note ON "select"."order"
    FOR EACH ROW WHEN (NEW."from" IS NOT NULL)
    EXECUTE FUNCTION "select"."touch ""it"""();
CREATE TRIGGER after_ins
    AFTER INSERT ON "select"."order"
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit();
CREATE TRIGGER "disabled one"
    AFTER DELETE ON "select"."order"
    FOR EACH ROW EXECUTE FUNCTION public.noop_trigger('arg 1', 'it''s');
ALTER TABLE "select"."order" DISABLE TRIGGER "disabled one";
CREATE TRIGGER replica_one
    AFTER UPDATE ON "select"."order"
    FOR EACH ROW EXECUTE FUNCTION public.noop_trigger();
ALTER TABLE "select"."order" ENABLE REPLICA TRIGGER replica_one;
CREATE TRIGGER always_one
    AFTER TRUNCATE ON "select"."order"
    FOR EACH STATEMENT EXECUTE FUNCTION public.noop_trigger();
ALTER TABLE "select"."order" ENABLE ALWAYS TRIGGER always_one;
CREATE CONSTRAINT TRIGGER "Deferred ü"
    AFTER INSERT OR UPDATE ON "Code Ü"."Tbl ""q"""
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION public.noop_trigger();
COMMENT ON TRIGGER after_ins ON "select"."order" IS 'counts inserted rows';

CREATE VIEW "select"."order view" AS SELECT "from", note FROM "select"."order";
CREATE FUNCTION "select".order_view_ins() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "select"."order" ("from", note) VALUES (NEW."from", NEW.note);
  RETURN NEW;
END;
$$;
CREATE TRIGGER "instead"
    INSTEAD OF INSERT ON "select"."order view"
    FOR EACH ROW EXECUTE FUNCTION "select".order_view_ins();

-- Triggers on a partitioned table: the partitions' clones are dumped only where their enabled
-- state differs from their parent's.
CREATE TABLE "select".parted (id integer, v text) PARTITION BY RANGE (id);
CREATE TABLE "select"."parted 1" PARTITION OF "select".parted FOR VALUES FROM (0) TO (10);
CREATE TABLE "select"."parted 2" PARTITION OF "select".parted FOR VALUES FROM (10) TO (20);
CREATE TRIGGER parted_ins AFTER INSERT ON "select".parted
    FOR EACH ROW EXECUTE FUNCTION public.noop_trigger();
CREATE TRIGGER parted_upd AFTER UPDATE ON "select".parted
    FOR EACH ROW EXECUTE FUNCTION public.noop_trigger();
ALTER TABLE "select".parted DISABLE TRIGGER parted_upd;
ALTER TABLE "select"."parted 2" ENABLE TRIGGER parted_upd;
ALTER TABLE "select"."parted 1" DISABLE TRIGGER parted_ins;
-- A sub-partition's own state under a clone that has its parent's (read only where it differs):
-- set after the root's trigger exists, and after its parent's ALTER, which recurses.
CREATE TABLE "select"."parted 3" PARTITION OF "select".parted FOR VALUES FROM (20) TO (30)
    PARTITION BY RANGE (id);
CREATE TABLE "select"."parted 3a" PARTITION OF "select"."parted 3" FOR VALUES FROM (20) TO (25);
ALTER TABLE "select"."parted 3a" ENABLE ALWAYS TRIGGER parted_ins;
ALTER TABLE "select"."parted 3a" ENABLE REPLICA TRIGGER parted_upd;
INSERT INTO "select".parted VALUES (1, 'a'), (15, 'b'), (21, 'c');

-- Rules on tables and views, one disabled.
CREATE TABLE "select"."rule target" (id integer, note text);
CREATE RULE "Log ""del"""
    AS ON DELETE TO "select"."rule target"
    DO ALSO INSERT INTO public.audit_log VALUES ('delete', OLD.id);
CREATE RULE no_update AS ON UPDATE TO "select"."rule target"
    WHERE OLD.id < 0 DO INSTEAD NOTHING;
ALTER TABLE "select"."rule target" DISABLE RULE no_update;
CREATE RULE "view upd" AS ON UPDATE TO "select"."order view"
    DO INSTEAD UPDATE "select"."order" SET note = NEW.note WHERE "from" = OLD."from";
COMMENT ON RULE "Log ""del""" ON "select"."rule target" IS 'keeps deletes';
INSERT INTO "select"."rule target" VALUES (1, 'kept');

-- Event triggers.
CREATE FUNCTION public.on_ddl() RETURNS event_trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ddl: %', tg_tag; END $$;
CREATE EVENT TRIGGER "Watch DDL" ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION public.on_ddl();
CREATE EVENT TRIGGER watch_drops ON sql_drop
    EXECUTE FUNCTION public.on_ddl();
ALTER EVENT TRIGGER watch_drops DISABLE;
CREATE EVENT TRIGGER watch_always ON ddl_command_start
    EXECUTE FUNCTION public.on_ddl();
ALTER EVENT TRIGGER watch_always ENABLE ALWAYS;
ALTER EVENT TRIGGER watch_always OWNER TO "fid code super";
COMMENT ON EVENT TRIGGER "Watch DDL" IS 'says what DDL ran';

-- Casts: with a function, binary coercible, through I/O.
CREATE FUNCTION "Code Ü".mood_score("Code Ü".mood) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT array_position(enum_range(NULL::"Code Ü".mood), $1) $$;
CREATE CAST ("Code Ü".mood AS integer)
    WITH FUNCTION "Code Ü".mood_score("Code Ü".mood) AS ASSIGNMENT;
CREATE CAST (public.hstore AS bytea) WITHOUT FUNCTION;
CREATE CAST (text AS "Code Ü".mood) WITH INOUT AS IMPLICIT;
COMMENT ON CAST ("Code Ü".mood AS integer) IS 'mood as a number';

-- A procedural language of its own (plpgsql's handler under another name) and a transform.
CREATE FUNCTION public."my handler"() RETURNS language_handler
    LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE FUNCTION public.my_validator(oid) RETURNS void
    LANGUAGE c STRICT AS '$libdir/plpgsql', 'plpgsql_validator';
CREATE TRUSTED LANGUAGE "My PL" HANDLER public."my handler" VALIDATOR public.my_validator;
COMMENT ON LANGUAGE "My PL" IS 'plpgsql in disguise';
REVOKE ALL ON LANGUAGE "My PL" FROM PUBLIC;
GRANT USAGE ON LANGUAGE "My PL" TO fid_code_user;
CREATE FUNCTION "Code Ü".in_my_pl(n integer) RETURNS integer
    LANGUAGE "My PL" AS $$ BEGIN RETURN n * 2; END $$;

CREATE FUNCTION public.mood_from_sql(internal) RETURNS internal
    LANGUAGE internal IMMUTABLE STRICT AS 'int4send';
CREATE FUNCTION public.mood_to_sql(internal) RETURNS "Code Ü".mood
    LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE TRANSFORM FOR "Code Ü".mood LANGUAGE "My PL" (
    FROM SQL WITH FUNCTION public.mood_from_sql(internal),
    TO SQL WITH FUNCTION public.mood_to_sql(internal)
);
COMMENT ON TRANSFORM FOR "Code Ü".mood LANGUAGE "My PL" IS 'never used';
