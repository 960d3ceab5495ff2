-- Fidelity fixture for constraint and index shapes and view options the other fixtures leave
-- out: CHECK and FOREIGN KEY NOT VALID, MATCH FULL, exclusion constraints, UNIQUE NULLS NOT
-- DISTINCT, keys with storage parameters, every built-in index access method, an operator class with options, views WITH
-- CHECK OPTION, security_barrier and security_invoker. Names are deliberately awkward.
CREATE EXTENSION btree_gist;
CREATE EXTENSION pg_trgm;
CREATE SCHEMA "Keys ""K"" Ü";

CREATE TABLE "Keys ""K"" Ü"."Parent" (a integer, b text, c integer,
    CONSTRAINT "Parent pk" PRIMARY KEY (a),
    CONSTRAINT "ab unique" UNIQUE (a, b),
    CONSTRAINT "nulls not distinct" UNIQUE NULLS NOT DISTINCT (c));
INSERT INTO "Keys ""K"" Ü"."Parent" VALUES (1, 'x', NULL), (2, 'y', 5), (-3, 'z', 6);

CREATE TABLE "Keys ""K"" Ü".child (id integer, a integer, b text, note text);
INSERT INTO "Keys ""K"" Ü".child VALUES (1, 1, 'x', 'ok'), (2, 9, 'q', 'orphan'),
    (3, NULL, 'x', 'half null');
ALTER TABLE "Keys ""K"" Ü".child ADD CONSTRAINT "fk not valid" FOREIGN KEY (a)
    REFERENCES "Keys ""K"" Ü"."Parent" (a) NOT VALID;
ALTER TABLE "Keys ""K"" Ü".child ADD CONSTRAINT "fk match full" FOREIGN KEY (a, b)
    REFERENCES "Keys ""K"" Ü"."Parent" (a, b) MATCH FULL ON DELETE SET NULL ON UPDATE RESTRICT
    NOT VALID;
ALTER TABLE "Keys ""K"" Ü".child ADD CONSTRAINT "select" CHECK (id > 1) NOT VALID;
ALTER TABLE "Keys ""K"" Ü"."Parent" ADD CONSTRAINT "positive a" CHECK (a > 0) NOT VALID;
COMMENT ON CONSTRAINT "fk not valid" ON "Keys ""K"" Ü".child IS 'never validated';
COMMENT ON CONSTRAINT "positive a" ON "Keys ""K"" Ü"."Parent" IS 'check, not valid';

-- Keys with storage parameters on their index (pg_get_constraintdef leaves them out).
CREATE TABLE "Keys ""K"" Ü".stored (a integer, b text, r int4range,
    CONSTRAINT "stored pk" PRIMARY KEY (a) WITH (fillfactor = 60),
    CONSTRAINT "stored b" UNIQUE (b) WITH (fillfactor = 75, deduplicate_items = off) DEFERRABLE,
    CONSTRAINT "stored r" EXCLUDE USING gist (r WITH &&) WITH (fillfactor = 80));
INSERT INTO "Keys ""K"" Ü".stored VALUES (1, 'one', '[1,2)'), (2, 'two', '[2,3)');

-- Exclusion constraints (btree_gist for the equality part).
CREATE TABLE "Keys ""K"" Ü".booking (room integer, during tsrange, who text,
    CONSTRAINT "no overlap" EXCLUDE USING gist (room WITH =, during WITH &&)
        WHERE (who <> 'admin') DEFERRABLE INITIALLY DEFERRED);
INSERT INTO "Keys ""K"" Ü".booking VALUES
    (1, '[2024-01-01,2024-01-02)', 'a'), (1, '[2024-01-02,2024-01-03)', 'b');

-- Every built-in index access method, opclass options, collations, partial, INCLUDE.
CREATE TABLE "Keys ""K"" Ü".docs (id integer, body text, tags text[], doc jsonb, at timestamptz,
    pt point, ip inet);
INSERT INTO "Keys ""K"" Ü".docs
    SELECT g, 'body ' || g, ARRAY['t' || (g % 3)], jsonb_build_object('k', g),
           '2024-01-01'::timestamptz + g * interval '1 hour', point(g, g), '10.0.0.1'::inet
    FROM generate_series(1, 50) g;
CREATE INDEX "docs hash" ON "Keys ""K"" Ü".docs USING hash (body);
CREATE INDEX docs_gin ON "Keys ""K"" Ü".docs USING gin (tags, doc jsonb_path_ops);
CREATE INDEX docs_brin ON "Keys ""K"" Ü".docs USING brin (at) WITH (pages_per_range = 16);
CREATE INDEX docs_spgist ON "Keys ""K"" Ü".docs USING spgist (pt);
CREATE INDEX docs_spgist_inet ON "Keys ""K"" Ü".docs USING spgist (ip);
CREATE INDEX "docs trgm siglen" ON "Keys ""K"" Ü".docs USING gist (body gist_trgm_ops (siglen = 32));
CREATE INDEX docs_gin_trgm ON "Keys ""K"" Ü".docs USING gin (body gin_trgm_ops)
    WITH (fastupdate = off);
CREATE INDEX docs_coll ON "Keys ""K"" Ü".docs (body COLLATE "C" DESC NULLS LAST)
    INCLUDE (id) WHERE id > 10;
COMMENT ON INDEX "Keys ""K"" Ü".docs_brin IS 'brin with a storage parameter';

-- Views with options.
CREATE VIEW "Keys ""K"" Ü"."checked view" AS
    SELECT a, b FROM "Keys ""K"" Ü"."Parent" WHERE a > 0 WITH LOCAL CHECK OPTION;
CREATE VIEW "Keys ""K"" Ü".cascaded WITH (security_barrier = true) AS
    SELECT a FROM "Keys ""K"" Ü"."checked view" WHERE a < 100 WITH CASCADED CHECK OPTION;
CREATE VIEW "Keys ""K"" Ü".invoker WITH (security_invoker = on) AS
    SELECT id, note FROM "Keys ""K"" Ü".child;
