-- Fidelity fixture: what databases written by others held that our other fixtures did not (issue
-- 14), each with its siblings. Loaded into a fresh database; every object must survive
-- ndump + nrestore as pg_dump --schema-only and the data compare see it, and --clean over a
-- restored copy must run without errors.
CREATE SCHEMA wild;

-- A domain CHECK added NOT VALID over rows that break it: CREATE DOMAIN cannot say NOT VALID,
-- so it is ALTER DOMAIN ... ADD CONSTRAINT ... NOT VALID after the data. A second, valid check
-- stays inline.
CREATE DOMAIN wild."Pos Int" AS integer CONSTRAINT "below 1000" CHECK (VALUE < 1000);
CREATE TABLE wild.uses_domain (id integer PRIMARY KEY, v wild."Pos Int", vs wild."Pos Int"[]);
INSERT INTO wild.uses_domain VALUES (1, -1, '{-2,3}'), (2, 5, NULL);
ALTER DOMAIN wild."Pos Int" ADD CONSTRAINT "must be positive" CHECK (VALUE > 0) NOT VALID;
COMMENT ON DOMAIN wild."Pos Int" IS 'a domain with a NOT VALID check';
COMMENT ON CONSTRAINT "must be positive" ON DOMAIN wild."Pos Int" IS 'not valid yet';

-- Generated columns an inheritance child declares itself (attislocal): the child inherits the
-- expression and may not repeat it. A grandchild, and a partition (created standalone, then
-- attached: it must repeat it).
CREATE TABLE wild.gen_parent (a integer, b integer GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE wild.gen_child (b integer, c text) INHERITS (wild.gen_parent);
CREATE TABLE wild.gen_grandchild (d integer) INHERITS (wild.gen_child);
INSERT INTO wild.gen_child (a, c) VALUES (1, 'one'), (2, 'two');
INSERT INTO wild.gen_grandchild (a, c, d) VALUES (3, 'three', 3);
CREATE TABLE wild.gen_parted (a integer, b integer GENERATED ALWAYS AS (a + 1) STORED)
    PARTITION BY RANGE (a);
CREATE TABLE wild.gen_parted_1 PARTITION OF wild.gen_parted FOR VALUES FROM (0) TO (100);
INSERT INTO wild.gen_parted (a) VALUES (7);

-- What an inheritance child changed on columns it inherits: NOT NULL, a default of its own.
CREATE TABLE wild.inh_parent (a integer, b integer DEFAULT 5, c text DEFAULT 'p');
CREATE TABLE wild.inh_child (d integer) INHERITS (wild.inh_parent);
ALTER TABLE wild.inh_child ALTER COLUMN a SET NOT NULL;
ALTER TABLE wild.inh_child ALTER COLUMN b SET DEFAULT 7;
INSERT INTO wild.inh_child (a, d) VALUES (1, 1);

-- NOT VALID CHECK constraints on an inheritance parent and on a partitioned table, over
-- children's rows that break them (ALTER TABLE ONLY cannot add them); a NO INHERIT one.
CREATE TABLE wild.nv_parent (a integer);
CREATE TABLE wild.nv_child (extra text) INHERITS (wild.nv_parent);
INSERT INTO wild.nv_child VALUES (-5, 'bad');
ALTER TABLE wild.nv_parent ADD CONSTRAINT "nv positive" CHECK (a > 0) NOT VALID;
ALTER TABLE wild.nv_parent ADD CONSTRAINT nv_small CHECK (a < 100) NO INHERIT NOT VALID;
COMMENT ON CONSTRAINT "nv positive" ON wild.nv_parent IS 'NOT VALID on a parent';
CREATE TABLE wild.nv_parted (a integer) PARTITION BY RANGE (a);
CREATE TABLE wild.nv_parted_1 PARTITION OF wild.nv_parted FOR VALUES FROM (-100) TO (100);
INSERT INTO wild.nv_parted VALUES (-7);
ALTER TABLE wild.nv_parted ADD CONSTRAINT nv_parted_pos CHECK (a > 0) NOT VALID;

-- Foreign keys on partitioned tables (ONLY is refused), to a plain and to a partitioned table.
CREATE TABLE wild.fk_target (id integer PRIMARY KEY);
INSERT INTO wild.fk_target VALUES (1), (2);
CREATE TABLE wild.fk_parted_target (id integer PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE wild.fk_parted_target_1 PARTITION OF wild.fk_parted_target
    FOR VALUES FROM (0) TO (100);
INSERT INTO wild.fk_parted_target VALUES (1), (2);
CREATE TABLE wild.fk_parted (id integer, t integer, pt integer) PARTITION BY LIST (id);
CREATE TABLE wild.fk_parted_1 PARTITION OF wild.fk_parted FOR VALUES IN (1);
CREATE TABLE wild.fk_parted_2 PARTITION OF wild.fk_parted FOR VALUES IN (2);
ALTER TABLE wild.fk_parted ADD CONSTRAINT "fk to plain" FOREIGN KEY (t)
    REFERENCES wild.fk_target (id) ON DELETE CASCADE;
ALTER TABLE wild.fk_parted ADD CONSTRAINT fk_to_parted FOREIGN KEY (pt)
    REFERENCES wild.fk_parted_target (id);
INSERT INTO wild.fk_parted VALUES (1, 1, 2), (2, 2, 1);
COMMENT ON CONSTRAINT "fk to plain" ON wild.fk_parted IS 'FK on a partitioned table';

-- A materialized view valid only because id is the primary key (GROUP BY id), with an index,
-- a comment and a view over it.
CREATE TABLE wild.keyed (id integer PRIMARY KEY, name text);
INSERT INTO wild.keyed VALUES (1, 'a'), (2, 'b');
CREATE MATERIALIZED VIEW wild.mv_grouped AS SELECT id, name FROM wild.keyed GROUP BY id;
CREATE UNIQUE INDEX mv_grouped_id ON wild.mv_grouped (id);
COMMENT ON MATERIALIZED VIEW wild.mv_grouped IS 'needs the primary key';
CREATE VIEW wild.on_mv_grouped AS SELECT name FROM wild.mv_grouped;

-- Materialized views reading another through views: refreshed after it, whatever their names.
CREATE MATERIALIZED VIEW wild.mv_first AS SELECT 1 AS x;
CREATE VIEW wild.v_mid AS SELECT x FROM wild.mv_first;
CREATE VIEW wild.v_mid2 AS SELECT x FROM wild.v_mid;
CREATE MATERIALIZED VIEW wild.mv_a_second AS SELECT x FROM wild.v_mid;
CREATE MATERIALIZED VIEW wild.mv_a_third AS SELECT x FROM wild.v_mid2;

-- Trigger states on partitions that differ from their parent's. (A sub-partition's, whose
-- parent clone has its parent's state, is in fidelity_code: pg_restore fails on it.)
CREATE FUNCTION wild.trg_fn() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE wild.trg_parted (a integer) PARTITION BY LIST (a);
CREATE TABLE wild.trg_part_1 PARTITION OF wild.trg_parted FOR VALUES IN (1);
CREATE TABLE wild.trg_part_2 PARTITION OF wild.trg_parted FOR VALUES IN (2, 3)
    PARTITION BY LIST (a);
CREATE TABLE wild.trg_part_2a PARTITION OF wild.trg_part_2 FOR VALUES IN (2);
CREATE TRIGGER trg_always AFTER INSERT ON wild.trg_parted
    FOR EACH ROW EXECUTE FUNCTION wild.trg_fn();
CREATE TRIGGER trg_replica AFTER INSERT ON wild.trg_parted
    FOR EACH ROW EXECUTE FUNCTION wild.trg_fn();
ALTER TABLE wild.trg_part_1 ENABLE ALWAYS TRIGGER trg_always;
ALTER TABLE wild.trg_part_2 ENABLE REPLICA TRIGGER trg_replica;
ALTER TABLE wild.trg_part_2 DISABLE TRIGGER trg_always;
INSERT INTO wild.trg_parted VALUES (1), (2);

-- Table access methods: a table, a partition and a materialized view not in heap.
CREATE ACCESS METHOD "Heap ""Wild""" TYPE TABLE HANDLER heap_tableam_handler;
CREATE TABLE wild.am_table (a integer) USING "Heap ""Wild""";
INSERT INTO wild.am_table VALUES (1);
CREATE TABLE wild.am_parted (a integer) PARTITION BY LIST (a);
CREATE TABLE wild.am_part_1 PARTITION OF wild.am_parted FOR VALUES IN (1) USING "Heap ""Wild""";
CREATE MATERIALIZED VIEW wild.am_mv USING "Heap ""Wild""" AS SELECT 1 AS a;

-- Sequence persistence: unlogged, an unlogged table's serial (unlogged like its table) and
-- identity sequences whose persistence differs from their table's.
CREATE UNLOGGED SEQUENCE wild.seq_unlogged;
CREATE UNLOGGED TABLE wild.unlogged_serial (id serial, note text);
INSERT INTO wild.unlogged_serial (note) VALUES ('x');
CREATE TABLE wild.ident_unlogged_seq (id integer GENERATED ALWAYS AS IDENTITY, v text);
ALTER SEQUENCE wild.ident_unlogged_seq_id_seq SET UNLOGGED;
CREATE UNLOGGED TABLE wild.ident_logged_seq (id integer GENERATED BY DEFAULT AS IDENTITY);
ALTER SEQUENCE wild.ident_logged_seq_id_seq SET LOGGED;
CREATE UNLOGGED TABLE wild.ident_unlogged_both (id integer GENERATED ALWAYS AS IDENTITY);

-- TOAST storage parameters of a table (with others) and of a materialized view.
CREATE TABLE wild.toast_opts (a text)
    WITH (fillfactor = 80, toast.autovacuum_enabled = false, toast.vacuum_truncate = false);
CREATE MATERIALIZED VIEW wild.toast_mv WITH (toast.autovacuum_enabled = false) AS
    SELECT 'x'::text AS a;

-- Statistics targets of index columns (expression columns only), on a plain and a partitioned
-- index.
CREATE TABLE wild.idx_stats (a integer, b integer);
CREATE INDEX idx_stats_expr ON wild.idx_stats (a, (a + b), (b * 2));
ALTER INDEX wild.idx_stats_expr ALTER COLUMN 2 SET STATISTICS 300;
ALTER INDEX wild.idx_stats_expr ALTER COLUMN 3 SET STATISTICS 0;
CREATE TABLE wild.idx_stats_parted (a integer) PARTITION BY RANGE (a);
CREATE TABLE wild.idx_stats_parted_1 PARTITION OF wild.idx_stats_parted
    FOR VALUES FROM (0) TO (10);
CREATE INDEX idx_stats_parted_expr ON wild.idx_stats_parted ((a + 1));
ALTER INDEX wild.idx_stats_parted_expr ALTER COLUMN 1 SET STATISTICS 50;

-- The public schema's standard comment, removed.
COMMENT ON SCHEMA public IS NULL;

-- Column options of columns a foreign-table child inherits from a plain parent (and of its own
-- column), read through file_fdw so the data compare can scan parent and child.
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE SERVER "Wild Files" FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE wild.fdw_parent (a integer, "B b" text);
INSERT INTO wild.fdw_parent VALUES (1, 'local');
CREATE FOREIGN TABLE wild.fdw_child (c integer OPTIONS (force_null 'true')) INHERITS (wild.fdw_parent)
    SERVER "Wild Files" OPTIONS (program 'echo 2,remote,3', format 'csv');
ALTER FOREIGN TABLE wild.fdw_child ALTER COLUMN a OPTIONS (force_not_null 'true');
ALTER FOREIGN TABLE wild.fdw_child ALTER COLUMN "B b" OPTIONS (force_null 'true');
CREATE FOREIGN TABLE wild.fdw_grandchild () INHERITS (wild.fdw_child)
    SERVER "Wild Files" OPTIONS (program 'echo 4,far,5', format 'csv');
ALTER FOREIGN TABLE wild.fdw_grandchild ALTER COLUMN c OPTIONS (force_not_null 'true');

-- Catalog values no other fixture sets: REPLICA IDENTITY NOTHING, lz4 compression, ON DELETE
-- SET NULL (column list), CHECK NO INHERIT on a parent, a moving aggregate with every m* option,
-- a language with an inline handler, rules enabled for replicas and always.
CREATE TABLE wild.ri_none (a integer, b text COMPRESSION lz4);
ALTER TABLE wild.ri_none REPLICA IDENTITY NOTHING;
INSERT INTO wild.ri_none VALUES (1, repeat('lz4 ', 2000));
CREATE TABLE wild.sn_parent (a integer, b integer, PRIMARY KEY (a, b));
CREATE TABLE wild.sn_child (a integer, b integer,
    FOREIGN KEY (a, b) REFERENCES wild.sn_parent ON DELETE SET NULL (b) ON UPDATE CASCADE);
INSERT INTO wild.sn_parent VALUES (1, 2);
INSERT INTO wild.sn_child VALUES (1, 2);
CREATE TABLE wild.noinh_parent (a integer, CONSTRAINT "pos ""only""" CHECK (a > 0) NO INHERIT);
CREATE TABLE wild.noinh_child () INHERITS (wild.noinh_parent);
INSERT INTO wild.noinh_child VALUES (-1);
CREATE FUNCTION wild.mfin(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE
    AS 'SELECT $1 * 10';
CREATE AGGREGATE wild.msum(integer) (
    sfunc = int4pl, stype = integer, initcond = '0',
    msfunc = int4pl, minvfunc = int4mi, mstype = integer, minitcond = '0', msspace = 64,
    mfinalfunc = wild.mfin, mfinalfunc_extra, mfinalfunc_modify = read_write);
CREATE FUNCTION wild.pl_call() RETURNS language_handler LANGUAGE c
    AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE FUNCTION wild.pl_inline(internal) RETURNS void LANGUAGE c STRICT
    AS '$libdir/plpgsql', 'plpgsql_inline_handler';
CREATE FUNCTION wild.pl_valid(oid) RETURNS void LANGUAGE c STRICT
    AS '$libdir/plpgsql', 'plpgsql_validator';
CREATE LANGUAGE "wild pl" HANDLER wild.pl_call INLINE wild.pl_inline VALIDATOR wild.pl_valid;
CREATE RULE r_replica AS ON INSERT TO wild.ri_none DO ALSO NOTIFY wild_replica;
ALTER TABLE wild.ri_none ENABLE REPLICA RULE r_replica;
CREATE RULE r_always AS ON UPDATE TO wild.ri_none DO ALSO NOTIFY wild_always;
ALTER TABLE wild.ri_none ENABLE ALWAYS RULE r_always;
CREATE RULE r_disabled AS ON DELETE TO wild.ri_none DO ALSO NOTIFY wild_disabled;
ALTER TABLE wild.ri_none DISABLE RULE r_disabled;

-- 16+: subscription options origin, password_required, run_as_owner; ICU tailoring rules.
SELECT pg_catalog.current_setting('server_version_num')::int >= 160000 AS wild_v16 \gset
\if :wild_v16
CREATE SUBSCRIPTION "Wild Sub" CONNECTION 'host=/nonexistent dbname=none'
    PUBLICATION p WITH (connect = false, slot_name = NONE, origin = none,
                        password_required = false, run_as_owner = true);
CREATE COLLATION wild."tailored ü" (provider = icu, locale = 'und', rules = '&a < g');
CREATE TABLE wild.uses_tailored (t text COLLATE wild."tailored ü");
INSERT INTO wild.uses_tailored VALUES ('g'), ('b'), ('a');
\endif
