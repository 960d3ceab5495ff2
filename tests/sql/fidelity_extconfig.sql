-- Rows of extension configuration tables (pg_extension_config_dump), with ndump's own test
-- extension tests/sql/extension/ndump_cfgtest (installed by the tests before this file is loaded).
-- The tables are members, created by CREATE EXTENSION; their rows are data: those matching the
-- filter ("Setting ""s""": WHERE NOT builtin), all of them (rules), and the registered sequences'
-- values. Rows the extension's script inserted (builtin) must not be dumped: they come back with
-- CREATE EXTENSION, and dumping them would insert them twice.
SET client_min_messages = warning;

-- As hostile a schema name as CREATE EXTENSION allows: @extschema@ may not contain " $ ' \.

CREATE SCHEMA "Cfg Ext.Ü select";
CREATE EXTENSION ndump_cfgtest SCHEMA "Cfg Ext.Ü select";

INSERT INTO "Cfg Ext.Ü select"."Setting ""s""" (name, value)
  VALUES ('user one', 'x'), ('quote''d	tab', NULL), ('back\slash', E'line\nbreak');

DELETE FROM "Cfg Ext.Ü select"."Setting ""s""" WHERE name = 'user one';
INSERT INTO "Cfg Ext.Ü select"."Setting ""s""" (name, value) VALUES ('user two', 'y');

INSERT INTO "Cfg Ext.Ü select".rules (rule, weight, note)
  SELECT 'rule ' || g, g * 7, CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('n', g) END
  FROM generate_series(1, 40) g;
INSERT INTO "Cfg Ext.Ü select".rules VALUES ('dup', 1, NULL), ('dup', 1, NULL);

SELECT nextval('"Cfg Ext.Ü select"."ticket No"') FROM generate_series(1, 4);

-- A user table referring to a configuration table's rows, and a view over the extension.
CREATE TABLE public.uses_settings (
  id integer PRIMARY KEY,
  setting_id integer REFERENCES "Cfg Ext.Ü select"."Setting ""s""" (id)
);
INSERT INTO public.uses_settings
  SELECT 1, id FROM "Cfg Ext.Ü select"."Setting ""s""" WHERE name = 'user two';
INSERT INTO public.uses_settings
  SELECT 2, id FROM "Cfg Ext.Ü select"."Setting ""s""" WHERE name = 'timeout';
CREATE VIEW public.setting_view AS
  SELECT "Cfg Ext.Ü select".setting('timeout') AS timeout;
