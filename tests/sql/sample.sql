-- sample.sql: the demo database (scripts/demo.sh). A small shop: three schemas, tables of mixed
-- types, primary keys, foreign keys, checks, several indexes, a view, about 100k rows in all.
-- Deterministic: the data is computed from generate_series, so every load is identical.

SET client_min_messages = warning;
SET TimeZone = 'UTC';

CREATE SCHEMA shop;
CREATE SCHEMA hr;
CREATE SCHEMA metrics;
COMMENT ON SCHEMA shop IS 'customers, products, orders';

CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');

-- 10,000 customers
CREATE TABLE shop.customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    country char(2) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    vip boolean NOT NULL DEFAULT false
);
INSERT INTO shop.customers
SELECT g,
       'Customer ' || g,
       'customer' || g || '@example.com',
       (ARRAY['DE', 'FR', 'US', 'JP', 'BR', 'IN'])[g % 6 + 1],
       timestamptz '2020-01-01 00:00:00+00' + g * interval '37 minutes',
       g % 50 = 0
FROM generate_series(1, 10000) AS g;

-- 1,000 products
CREATE TABLE shop.products (
    id serial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    title text NOT NULL,
    price numeric(10, 2) NOT NULL CHECK (price >= 0),
    tags text[] NOT NULL DEFAULT '{}',
    attributes jsonb
);
INSERT INTO shop.products (sku, title, price, tags, attributes)
SELECT format('SKU-%s', lpad(g::text, 5, '0')),
       format('Product %s', g),
       (g * 7919 % 50000) / 100.0,
       CASE WHEN g % 4 = 0 THEN ARRAY['sale', 'new'] WHEN g % 4 = 1 THEN ARRAY['classic'] ELSE '{}' END,
       jsonb_build_object('weight_g', g * 13 % 5000, 'color',
                          (ARRAY['red', 'green', 'blue', 'black'])[g % 4 + 1])
FROM generate_series(1, 1000) AS g;

-- 25,000 orders
CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES shop.customers (id),
    status shop.order_status NOT NULL DEFAULT 'new',
    ordered_at timestamp with time zone NOT NULL,
    note text
);
INSERT INTO shop.orders (customer_id, status, ordered_at, note)
SELECT g * 7 % 10000 + 1,
       (ARRAY['new', 'paid', 'shipped', 'shipped', 'cancelled']::shop.order_status[])[g % 5 + 1],
       timestamptz '2021-01-01 00:00:00+00' + g * interval '19 minutes',
       CASE WHEN g % 10 = 0 THEN E'leave at the door\nring twice' END
FROM generate_series(1, 25000) AS g;

-- 50,000 order lines (two per order)
CREATE TABLE shop.order_lines (
    order_id bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
    line_no smallint NOT NULL,
    product_id integer NOT NULL REFERENCES shop.products (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
INSERT INTO shop.order_lines
SELECT o, l, (o * 31 + l * 17) % 1000 + 1, (o + l) % 5 + 1, ((o * 31 + l) % 9000) / 100.0 + 1
FROM generate_series(1, 25000) AS o, generate_series(1, 2) AS l;

CREATE INDEX orders_customer_idx ON shop.orders (customer_id, ordered_at DESC);
CREATE INDEX orders_open_idx ON shop.orders (ordered_at) WHERE status IN ('new', 'paid');
CREATE INDEX order_lines_product_idx ON shop.order_lines (product_id);
CREATE INDEX customers_email_lower_idx ON shop.customers (lower(email));

CREATE VIEW shop.order_totals AS
    SELECT o.id, o.customer_id, o.status, sum(l.quantity * l.unit_price) AS total
    FROM shop.orders o
    JOIN shop.order_lines l ON l.order_id = o.id
    GROUP BY o.id;
COMMENT ON VIEW shop.order_totals IS 'one row per order with its total price';

-- 12 departments, 300 employees with a self-referencing manager FK
CREATE TABLE hr.departments (
    id smallint PRIMARY KEY,
    name text NOT NULL UNIQUE
);
INSERT INTO hr.departments SELECT g, 'Department ' || g FROM generate_series(1, 12) AS g;

CREATE TABLE hr.employees (
    id serial PRIMARY KEY,
    department_id smallint NOT NULL REFERENCES hr.departments (id),
    manager_id integer REFERENCES hr.employees (id),
    name text NOT NULL,
    salary numeric(10, 2) CHECK (salary > 0),
    hired date NOT NULL
);
INSERT INTO hr.employees (department_id, manager_id, name, salary, hired)
SELECT g % 12 + 1,
       CASE WHEN g > 12 THEN g % 12 + 1 END,
       'Employee ' || g,
       30000 + g * 97 % 60000,
       date '2010-01-01' + g * 11
FROM generate_series(1, 300) AS g;
COMMENT ON TABLE hr.employees IS 'employees; manager_id points back into this table';

-- 12,000 daily visit counts
CREATE TABLE metrics.daily_visits (
    day date NOT NULL,
    page text NOT NULL,
    visits integer NOT NULL,
    bounce_rate real,
    PRIMARY KEY (day, page)
);
INSERT INTO metrics.daily_visits
SELECT date '2022-01-01' + d, '/page/' || p, (d * 37 + p * 101) % 5000,
       CASE WHEN d % 30 = 0 THEN NULL ELSE ((d + p) % 100) / 100.0 END
FROM generate_series(0, 999) AS d, generate_series(1, 12) AS p;

CREATE SEQUENCE metrics.report_numbers START WITH 500;
SELECT nextval('metrics.report_numbers') FROM generate_series(1, 5);

ANALYZE;
