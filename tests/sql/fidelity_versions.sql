-- Fidelity fixture: what PostgreSQL 17 and 18 add to the catalog. Each part runs only on a server
-- that has it (psql's \if), so on PostgreSQL 15 this fixture holds its common part alone; the
-- pg18 test pass (ctest -L pg18) runs all of it.
SELECT pg_catalog.current_setting('server_version_num')::int >= 170000 AS v17,
       pg_catalog.current_setting('server_version_num')::int >= 180000 AS v18 \gset

CREATE SCHEMA "Vers Ü";
SET search_path = "Vers Ü", public;

-- Common part: an inheritance child's own NOT NULL and default on inherited columns, and
-- privileges that differ from the defaults in every direction (the owner's own revoked in part,
-- PUBLIC granted), on system objects too.
DO $$ BEGIN CREATE ROLE fid_vers_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE "Parent" (a int NOT NULL, b int, c text DEFAULT 'parent''s', e int DEFAULT 5);
CREATE TABLE "Child" (d int) INHERITS ("Parent");
ALTER TABLE "Child" ALTER COLUMN b SET NOT NULL;
ALTER TABLE "Child" ALTER COLUMN c SET DEFAULT 'child''s';
INSERT INTO "Child" (a, b, d) VALUES (1, 2, 4);
REVOKE UPDATE, DELETE ON "Parent" FROM CURRENT_USER;
GRANT SELECT ON "Parent" TO PUBLIC;
GRANT INSERT (c) ON "Child" TO fid_vers_user;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_sleep(double precision) FROM PUBLIC;
GRANT SELECT (rolname) ON pg_catalog.pg_authid TO fid_vers_user;

\if :v17
-- 17: an identity column on a partitioned table, shared by its partitions.
CREATE TABLE "Ident Part" (id int GENERATED ALWAYS AS IDENTITY, k int) PARTITION BY LIST (k);
CREATE TABLE "Ident Part 1" PARTITION OF "Ident Part" FOR VALUES IN (1);
CREATE TABLE "Ident Part 2" PARTITION OF "Ident Part" FOR VALUES IN (2);
INSERT INTO "Ident Part" (k) VALUES (1), (2), (1);
-- 17: MAINTAIN, granted and revoked.
GRANT MAINTAIN ON "Ident Part" TO fid_vers_user;
REVOKE MAINTAIN ON "Parent" FROM CURRENT_USER;
-- 17: a collation of the builtin provider.
CREATE COLLATION "builtin C" (provider = builtin, locale = 'C');
CREATE TABLE uses_builtin (t text COLLATE "builtin C");
INSERT INTO uses_builtin VALUES ('b'), ('a');
-- 17: a subscription whose slot is synchronized to standbys (failover), never connected.
CREATE SUBSCRIPTION "Vers Failover" CONNECTION 'dbname=nothing'
    PUBLICATION p WITH (connect = false, slot_name = NONE, enabled = false, failover = true);
\endif

\if :v18
-- 18: NOT NULL constraints with names, NO INHERIT, NOT VALID over NULL rows, comments.
CREATE TABLE nn (
    a int NOT NULL,
    b int CONSTRAINT "b must" NOT NULL,
    c int NOT NULL NO INHERIT,
    d int,
    e int
);
COMMENT ON CONSTRAINT nn_a_not_null ON nn IS 'default-named, commented';
INSERT INTO nn VALUES (1, 2, 3, NULL, NULL);
ALTER TABLE nn ADD CONSTRAINT "d later" NOT NULL d NOT VALID;
COMMENT ON CONSTRAINT "d later" ON nn IS 'not valid yet';
CREATE TABLE nn_child (f int) INHERITS (nn);
ALTER TABLE nn_child ALTER COLUMN e SET NOT NULL;
INSERT INTO nn_child VALUES (1, 2, 3, 4, 5, 6);
-- NOT NULL on a partitioned table and its partitions, one with a name of its own.
CREATE TABLE nn_part (a int NOT NULL, k int) PARTITION BY LIST (k);
CREATE TABLE nn_part_1 PARTITION OF nn_part FOR VALUES IN (1);
CREATE TABLE nn_part_2 (a int CONSTRAINT "own name" NOT NULL, k int);
ALTER TABLE nn_part ATTACH PARTITION nn_part_2 FOR VALUES IN (2);
INSERT INTO nn_part VALUES (1, 1), (2, 2);
-- 18: virtual generated columns beside stored ones, also inherited; their rows are not copied.
CREATE TABLE gen (a int, v int GENERATED ALWAYS AS (a * 2) VIRTUAL,
                  s int GENERATED ALWAYS AS (a * 3) STORED);
INSERT INTO gen (a) VALUES (1), (NULL), (7);
CREATE TABLE gen_child (z text) INHERITS (gen);
INSERT INTO gen_child (a, z) VALUES (5, 'five');
-- 18: publications of stored generated columns (and the default, none, said explicitly).
CREATE PUBLICATION "Gen Pub" FOR TABLE gen WITH (publish_generated_columns = stored);
CREATE PUBLICATION gen_pub_none FOR TABLE gen WITH (publish_generated_columns = none);
-- 18: temporal keys (WITHOUT OVERLAPS, PERIOD) and NOT ENFORCED constraints.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE rooms (id int, during daterange, PRIMARY KEY (id, during WITHOUT OVERLAPS));
CREATE TABLE bookings (room int, during daterange,
                       FOREIGN KEY (room, PERIOD during) REFERENCES rooms (id, PERIOD during));
INSERT INTO rooms VALUES (1, '[2026-01-01,2027-01-01)');
INSERT INTO bookings VALUES (1, '[2026-03-01,2026-03-05)');
CREATE TABLE room_names (id int PRIMARY KEY);
CREATE TABLE unenforced (a int CONSTRAINT "not checked" CHECK (a > 0) NOT ENFORCED,
                         r int REFERENCES room_names (id) NOT ENFORCED);
INSERT INTO unenforced VALUES (-1, 99);
\endif
