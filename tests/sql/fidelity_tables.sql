-- Fidelity fixture: tables and their relatives. Partitioning (range, list, hash, default,
-- sub-partitioning, partitions attached with their own column order), inheritance (including a
-- child whose column order only ALTER TABLE ... INHERIT keeps, which pg_dump loses), partitioned
-- indexes and constraints, materialized views (populated and not, one reading another), row
-- security and policies, replica identity, CLUSTER ON, per-column statistics, storage,
-- compression and options, unlogged tables, and privileges on tables and columns.
DO $$ BEGIN CREATE ROLE "fid tables reader"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE fid_tables_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

CREATE SCHEMA "Part ""Land""";

CREATE TABLE "Part ""Land""".measurements (
    id bigint NOT NULL,
    "Taken At" date NOT NULL,
    region text NOT NULL,
    value numeric CHECK (value >= 0),
    note text DEFAULT 'n/a'
) PARTITION BY RANGE ("Taken At");
CREATE TABLE "Part ""Land"""."m 2024" PARTITION OF "Part ""Land""".measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- Attached later with another column order: kept as it is.
CREATE TABLE "Part ""Land"""."m 2025" (note text DEFAULT 'n/a', value numeric, region text NOT NULL,
    "Taken At" date NOT NULL, id bigint NOT NULL, CONSTRAINT measurements_value_check CHECK (value >= 0));
ALTER TABLE "Part ""Land""".measurements ATTACH PARTITION "Part ""Land"""."m 2025"
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- A default partition, itself partitioned by list, with a sub-partition and its own default.
CREATE TABLE "Part ""Land""".m_other PARTITION OF "Part ""Land""".measurements DEFAULT
    PARTITION BY LIST (region);
CREATE TABLE "Part ""Land""".m_other_eu PARTITION OF "Part ""Land""".m_other FOR VALUES IN ('eu', 'uk', NULL);
CREATE TABLE "Part ""Land""".m_other_rest PARTITION OF "Part ""Land""".m_other DEFAULT;
ALTER TABLE "Part ""Land""".measurements ADD PRIMARY KEY (id, "Taken At", region);
CREATE INDEX "measurements by region" ON "Part ""Land""".measurements (region, value DESC);
CREATE TABLE "Part ""Land""".hashed (k int PRIMARY KEY, v text) PARTITION BY HASH (k);
CREATE TABLE "Part ""Land""".hashed_0 PARTITION OF "Part ""Land""".hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE "Part ""Land""".hashed_1 PARTITION OF "Part ""Land""".hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE "Part ""Land""".refs (id int PRIMARY KEY, k int REFERENCES "Part ""Land""".hashed (k));
COMMENT ON TABLE "Part ""Land""".measurements IS 'partitioned';
COMMENT ON TABLE "Part ""Land"""."m 2025" IS 'attached';

INSERT INTO "Part ""Land""".measurements (id, "Taken At", region, value, note)
SELECT g, date '2024-01-01' + (g % 1000), (ARRAY['eu', 'us', 'uk', 'jp'])[1 + g % 4], g * 1.5,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'row ' || g END
FROM generate_series(1, 1500) g;
INSERT INTO "Part ""Land""".hashed SELECT g, 'h' || g FROM generate_series(1, 50) g;
INSERT INTO "Part ""Land""".refs SELECT g, g FROM generate_series(1, 20) g;

-- Inheritance.
CREATE TABLE public."Animal" (id int, name text, CONSTRAINT named CHECK (name <> ''));
CREATE TABLE public.dog (breed text) INHERITS (public."Animal");
CREATE TABLE public.cat (lives int DEFAULT 9, name text) INHERITS (public."Animal");
-- Its own column order: breed, id, legs, name. Created with INHERITS it would be id, name, ...
CREATE TABLE public.bird (breed text, id int, legs int, name text, CONSTRAINT named CHECK (name <> ''));
ALTER TABLE public.bird INHERIT public."Animal";
CREATE TABLE public.pet (owner text);
CREATE TABLE public.pet_dog (x int) INHERITS (public.dog, public.pet);
INSERT INTO public."Animal" VALUES (1, 'generic');
INSERT INTO public.dog VALUES (2, 'rex', 'collie');
INSERT INTO public.cat (id, name) VALUES (3, 'tom');
INSERT INTO public.bird VALUES ('parrot', 4, 2, 'polly');
INSERT INTO public.pet_dog VALUES (5, 'fido', 'pug', 'ann', 1);

-- Materialized views.
CREATE MATERIALIZED VIEW public."mv totals" AS
    SELECT region, count(*) AS n, sum(value) AS total FROM "Part ""Land""".measurements GROUP BY region;
CREATE UNIQUE INDEX "mv totals region" ON public."mv totals" (region);
CREATE MATERIALIZED VIEW public.mv_top AS SELECT region FROM public."mv totals" WHERE n > 10;
CREATE MATERIALIZED VIEW public.mv_empty WITH (fillfactor = 80) AS SELECT 1 AS one WITH NO DATA;
COMMENT ON MATERIALIZED VIEW public.mv_top IS 'reads another matview';

-- Row security and policies.
CREATE TABLE public.secrets (id int PRIMARY KEY, owner name, body text);
ALTER TABLE public.secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY "own rows" ON public.secrets USING (owner = current_user);
CREATE POLICY insert_only ON public.secrets AS RESTRICTIVE FOR INSERT TO fid_tables_writer, "fid tables reader"
    WITH CHECK (body IS NOT NULL);
CREATE POLICY reader ON public.secrets FOR SELECT TO "fid tables reader" USING (true);
COMMENT ON POLICY reader ON public.secrets IS 'readers see all';
INSERT INTO public.secrets VALUES (1, 'postgres', 'top'), (2, 'x', 'y');

-- Table properties.
CREATE UNLOGGED TABLE public.scratch (id int PRIMARY KEY, payload text, blob bytea, meta jsonb)
    WITH (fillfactor = 70, autovacuum_enabled = false);
ALTER TABLE public.scratch ALTER COLUMN payload SET STATISTICS 500;
ALTER TABLE public.scratch ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE public.scratch ALTER COLUMN blob SET COMPRESSION pglz;
ALTER TABLE public.scratch ALTER COLUMN id SET (n_distinct = -1);
CREATE UNIQUE INDEX scratch_payload ON public.scratch (payload);
ALTER TABLE public.scratch ALTER COLUMN payload SET NOT NULL;
ALTER TABLE public.scratch REPLICA IDENTITY USING INDEX scratch_payload;
ALTER TABLE public.scratch CLUSTER ON scratch_pkey;
CREATE TABLE public.full_ident (a int);
ALTER TABLE public.full_ident REPLICA IDENTITY FULL;
INSERT INTO public.scratch VALUES (1, 'p', '\x00ff', '{"a": [1, 2]}');

-- Privileges.
GRANT SELECT ON public.secrets TO "fid tables reader";
GRANT INSERT, UPDATE ON public.secrets TO fid_tables_writer WITH GRANT OPTION;
GRANT SELECT (id, meta), UPDATE (meta) ON public.scratch TO "fid tables reader";
REVOKE ALL ON public.full_ident FROM PUBLIC;
GRANT USAGE ON SCHEMA "Part ""Land""" TO "fid tables reader";
GRANT SELECT ON ALL TABLES IN SCHEMA "Part ""Land""" TO "fid tables reader";

-- char(n): ndump stores its values without trailing spaces, which char(n) input adds back. Every
-- kind of value, beside columns whose trailing spaces are data (bpchar without a length, varchar,
-- text, arrays), a domain over char(n), a generated char(n) column (not copied), a dropped column,
-- and an inheritance parent whose rows must not take in its child's (COPY reads ONLY the parent).
CREATE DOMAIN public."code 5" AS char(5) CHECK (VALUE <> 'XXXXX');
CREATE TABLE public."Padded ""chars""" (
    id int PRIMARY KEY,
    gone text,
    one char,
    ten char(10),
    "Größe ""x""" character(6) COLLATE "C",
    free bpchar,
    vc varchar(10),
    t text,
    code public."code 5",
    arr char(4)[],
    shout char(12) GENERATED ALWAYS AS (upper(ten)) STORED
);
ALTER TABLE public."Padded ""chars""" DROP COLUMN gone;
INSERT INTO public."Padded ""chars""" (id, one, ten, "Größe ""x""", free, vc, t, code, arr) VALUES
    (1, 'a', 'abc', 'ü', 'x  ', 'x  ', 'x  ', 'ab', '{"a ","  b",NULL}'),
    (2, ' ', '', '', '', '', '', '', '{}'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 'z', 'abcdefghij', 'éééééé', '   ', '   ', '   ', 'abcde', '{"    "}'),
    (5, 'q', E'tab\there', E'a\\b', E'nl\n ', E'cr\r ', E'\\N', '\N', '{"\\\\"}'),
    (6, 'é', '  lead', ' mid e', ' ', ' ', ' ', '  x', '{" x  "}'),
    (7, 'r', 'trail    ', 'ü   ', 'ü   ', 'ü   ', 'ü   ', 'ü ', '{"ü "}');
COMMENT ON COLUMN public."Padded ""chars"""."Größe ""x""" IS 'multibyte, fixed width';
CREATE TABLE public.char_parent (k char(3), v int);
CREATE TABLE public.char_child (w text) INHERITS (public.char_parent);
INSERT INTO public.char_parent VALUES ('p', 1), ('pp ', 2);
INSERT INTO public.char_child VALUES ('c', 3, 'x'), ('cc', 4, 'y');
