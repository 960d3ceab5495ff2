-- bench/sql/tables.sql: the "many tables" benchmark dataset (catalog cost).
--
--   psql -v ON_ERROR_STOP=1 -v tables=N -f tables.sql DB
--
-- N small tables spread over 10 schemas, 3 rows each. Every table has a primary key; every 4th a
-- secondary index, every 10th a bigserial column (so N/10 owned sequences), every 20th a comment
-- and a CHECK constraint. Created in batches of 500 tables per transaction (COMMIT inside a
-- top-level DO), which keeps the lock table within max_locks_per_transaction.
-- Deterministic: no random() at all.

\set QUIET on
SET bench.tables = :'tables';
DO $$
DECLARE
  n integer := current_setting('bench.tables')::integer;
  name text;
BEGIN
  FOR s IN 0..9 LOOP
    EXECUTE format('CREATE SCHEMA many_%s', s);
  END LOOP;
  FOR t IN 1..n LOOP
    name := format('many_%s.t_%s', t % 10, lpad(t::text, 5, '0'));
    EXECUTE format('CREATE TABLE %s (
        id integer PRIMARY KEY,
        name text NOT NULL,
        amount numeric(10, 2)%s,
        created_at timestamptz NOT NULL DEFAULT now(),
        note text%s)', name,
      CASE WHEN t % 20 = 0 THEN ' CHECK (amount >= 0)' ELSE '' END,
      CASE WHEN t % 10 = 0 THEN ', seq_no bigserial' ELSE '' END);
    EXECUTE format('INSERT INTO %s (id, name, amount, created_at, note)
        SELECT i, %L || i, i * 1.25, timestamptz ''2023-01-01 00:00:00+00'' + i * interval ''1 hour'',
               CASE WHEN i = 2 THEN NULL ELSE ''row '' || i END
        FROM generate_series(1, 3) AS i', name, 'name ' || t || ' ');
    IF t % 4 = 0 THEN
      EXECUTE format('CREATE INDEX ON %s (created_at)', name);
    END IF;
    IF t % 20 = 0 THEN
      EXECUTE format('COMMENT ON TABLE %s IS %L', name, 'table number ' || t);
    END IF;
    IF t % 500 = 0 THEN
      COMMIT;
    END IF;
  END LOOP;
END
$$;
