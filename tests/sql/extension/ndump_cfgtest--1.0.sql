-- ndump_cfgtest 1.0: configuration tables (pg_extension_config_dump) for the round-trip tests.
\echo Use "CREATE EXTENSION ndump_cfgtest" to load this file. \quit

-- Filtered: only the rows the user added (NOT builtin) are data of a dump; the builtin rows come
-- back with CREATE EXTENSION. A serial key (its sequence registered too), a generated column
-- (not carried by COPY) and a dropped column.
CREATE TABLE @extschema@."Setting ""s""" (
  id serial PRIMARY KEY,
  gone integer,
  name text NOT NULL UNIQUE,
  value text,
  builtin boolean NOT NULL DEFAULT false,
  name_len integer GENERATED ALWAYS AS (length(name)) STORED
);
ALTER TABLE @extschema@."Setting ""s""" DROP COLUMN gone;
INSERT INTO @extschema@."Setting ""s""" (name, value, builtin)
  VALUES ('timeout', '30', true), ('mode', 'fast', true), ('tab	and ''quote''', E'a\\b', true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@."Setting ""s"""', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('@extschema@."Setting ""s""_id_seq"', '');

-- Unfiltered: every row is data, so the script inserts none (they would come back twice).
CREATE TABLE @extschema@.rules (rule text NOT NULL, weight integer, note text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rules', '');

-- A configuration sequence on its own: its value is data.
CREATE SEQUENCE @extschema@."ticket No" START 100 INCREMENT 5;
SELECT pg_catalog.pg_extension_config_dump('@extschema@."ticket No"', '');

-- A member table that is not configuration: its rows are never dumped.
CREATE TABLE @extschema@.cache (k text PRIMARY KEY, v text);
INSERT INTO @extschema@.cache VALUES ('built', 'in');

CREATE FUNCTION @extschema@.setting(key text) RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT value FROM @extschema@."Setting ""s""" WHERE name = key $$;
