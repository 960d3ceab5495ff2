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
