-- Every database-level object kind pg_dump captures, several of each, with dependencies across kinds.
-- Statements are separated by lines holding only ";;" (function bodies contain semicolons).
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public
;;
CREATE EXTENSION IF NOT EXISTS pgcrypto
;;
CREATE EXTENSION IF NOT EXISTS btree_gist
;;
CREATE SCHEMA app
;;
CREATE SCHEMA "Audit Log"
;;
COMMENT ON SCHEMA app IS 'application objects'
;;
CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)
;;
CREATE COLLATION app.c_posix (locale = 'C')
;;
CREATE TYPE app.status AS ENUM ('new', 'active', 'closed')
;;
CREATE TYPE app.priority AS ENUM ('low', 'high')
;;
CREATE DOMAIN app.open_status AS app.status DEFAULT 'new' NOT NULL CONSTRAINT not_closed CHECK (VALUE <> 'closed')
;;
CREATE DOMAIN app.email AS citext CHECK (VALUE ~ '^[^@]+@[^@]+$')
;;
CREATE DOMAIN app.positive AS numeric(12, 2) CONSTRAINT positive_check CHECK (VALUE > 0)
;;
CREATE TYPE app.money_pair AS (amount app.positive, currency char(3))
;;
CREATE TYPE app.address AS (street text, city text COLLATE "C", zip varchar(10))
;;
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)
;;
CREATE TYPE app.daterange2 AS RANGE (subtype = date)
;;
CREATE FUNCTION app.net_price(price numeric, tax numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT round(price * (1 + tax / 100), 2) $$
;;
CREATE FUNCTION app.slug(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
    RETURN lower(regexp_replace(t, '[^a-zA-Z0-9]+', '-', 'g'))
;;
CREATE FUNCTION app.current_tenant() RETURNS integer LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('app.tenant', true), ''), '1')::integer $$
;;
CREATE FUNCTION app.concat_sfunc(acc text, val text) RETURNS text LANGUAGE plpgsql IMMUTABLE
    AS $$ BEGIN RETURN CASE WHEN acc IS NULL THEN val ELSE acc || ', ' || val END; END $$
;;
CREATE AGGREGATE app.group_concat(text) (SFUNC = app.concat_sfunc, STYPE = text)
;;
CREATE AGGREGATE app.sum_sq(numeric) (SFUNC = numeric_add, STYPE = numeric, INITCOND = '0', PARALLEL = SAFE)
;;
CREATE FUNCTION app.pair_eq(a app.money_pair, b app.money_pair) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT a.amount = b.amount AND a.currency = b.currency $$
;;
CREATE OPERATOR app.=== (LEFTARG = app.money_pair, RIGHTARG = app.money_pair, FUNCTION = app.pair_eq, COMMUTATOR = OPERATOR(app.===))
;;
CREATE FUNCTION app.text_to_pair(t text) RETURNS app.money_pair LANGUAGE sql IMMUTABLE
    AS $$ SELECT (split_part(t, ' ', 1)::numeric, split_part(t, ' ', 2))::app.money_pair $$
;;
CREATE CAST (text AS app.money_pair) WITH FUNCTION app.text_to_pair(text) AS ASSIGNMENT
;;
CREATE PROCEDURE app.close_order(order_id bigint) LANGUAGE plpgsql
    AS $$ BEGIN UPDATE app.orders SET status = 'closed' WHERE id = order_id; END $$
;;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$
;;
CREATE FUNCTION app.log_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = app, pg_temp
    AS $$ BEGIN INSERT INTO app.events (tenant, kind, at, payload) VALUES (1, TG_TABLE_NAME || ':' || TG_OP, DATE '2024-06-15', to_jsonb(NEW)); RETURN NEW; END $$
;;
CREATE SEQUENCE app.invoice_no START WITH 1000 INCREMENT BY 5 MINVALUE 1000 MAXVALUE 999999 CACHE 1
;;
CREATE SEQUENCE app.unused_seq AS smallint START 7 CYCLE
;;
CREATE TABLE app.customers (
    id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 10) PRIMARY KEY,
    tenant integer NOT NULL DEFAULT app.current_tenant(),
    name text NOT NULL COLLATE app.ci,
    email app.email UNIQUE,
    slug text GENERATED ALWAYS AS (app.slug(name)) STORED,
    address app.address,
    notes text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT name_not_blank CHECK (length(btrim(name)) > 0)
) WITH (fillfactor = 80, autovacuum_enabled = false)
;;
ALTER TABLE app.customers ALTER COLUMN notes SET STORAGE EXTERNAL
;;
ALTER TABLE app.customers ALTER COLUMN address SET STATISTICS 500
;;
CREATE TABLE app.orders (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES app.customers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    status app.open_status,
    priority app.priority NOT NULL DEFAULT 'low',
    price numeric(12, 2) NOT NULL,
    tax numeric(5, 2) NOT NULL DEFAULT 23,
    total numeric GENERATED ALWAYS AS (app.net_price(price, tax)) STORED,
    invoice integer DEFAULT nextval('app.invoice_no'),
    tags text[] DEFAULT '{}',
    valid daterange,
    updated_at timestamptz,
    CONSTRAINT price_positive CHECK (price > 0) NOT VALID,
    CONSTRAINT invoice_unique UNIQUE (invoice) DEFERRABLE,
    EXCLUDE USING gist (customer_id WITH =, valid WITH &&)
)
;;
ALTER SEQUENCE app.invoice_no OWNED BY app.orders.invoice
;;
CREATE TABLE app.order_lines (
    order_id bigint REFERENCES app.orders ON UPDATE CASCADE,
    line smallint,
    item text COLLATE app.c_posix,
    qty integer CHECK (qty > 0),
    amount app.money_pair,
    PRIMARY KEY (order_id, line)
)
;;
CREATE UNLOGGED TABLE app.sessions (token uuid PRIMARY KEY DEFAULT gen_random_uuid(), data jsonb, seen tstzrange)
;;
CREATE TABLE app.events (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    tenant integer NOT NULL,
    kind text NOT NULL,
    at date NOT NULL,
    payload jsonb,
    PRIMARY KEY (id, at, tenant)
) PARTITION BY RANGE (at)
;;
CREATE TABLE app.events_2023 PARTITION OF app.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')
;;
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (tenant)
;;
CREATE TABLE app.events_2024_t1 PARTITION OF app.events_2024 FOR VALUES IN (1)
;;
CREATE TABLE app.events_2024_rest PARTITION OF app.events_2024 DEFAULT
;;
CREATE TABLE app.events_other PARTITION OF app.events DEFAULT
;;
CREATE TABLE app.events_2022 (id bigint NOT NULL, tenant integer NOT NULL, kind text NOT NULL, at date NOT NULL, payload jsonb)
;;
ALTER TABLE app.events ATTACH PARTITION app.events_2022 FOR VALUES FROM ('2022-01-01') TO ('2023-01-01')
;;
CREATE INDEX events_kind_idx ON app.events (kind)
;;
CREATE INDEX events_payload_gin ON app.events USING gin (payload jsonb_path_ops)
;;
CREATE TABLE app.measurements (id serial, city_id integer NOT NULL, reading app.floatrange, logdate date) PARTITION BY HASH (city_id)
;;
CREATE TABLE app.measurements_0 PARTITION OF app.measurements FOR VALUES WITH (MODULUS 2, REMAINDER 0)
;;
CREATE TABLE app.measurements_1 PARTITION OF app.measurements FOR VALUES WITH (MODULUS 2, REMAINDER 1)
;;
CREATE TABLE app.documents (id serial PRIMARY KEY, title text NOT NULL, body text, owner_tenant integer NOT NULL DEFAULT 1, search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, ''))) STORED, location point, created date DEFAULT CURRENT_DATE)
;;
CREATE TABLE app.archived_documents (archived_at timestamptz DEFAULT now(), reason text) INHERITS (app.documents)
;;
CREATE INDEX documents_search_gin ON app.documents USING gin (search)
;;
CREATE INDEX documents_location_gist ON app.documents USING gist (location)
;;
CREATE INDEX documents_created_brin ON app.documents USING brin (created) WITH (pages_per_range = 16)
;;
CREATE INDEX documents_title_lower ON app.documents (lower(title) text_pattern_ops) WHERE body IS NOT NULL
;;
CREATE INDEX documents_hash ON app.documents USING hash (title)
;;
CREATE UNIQUE INDEX documents_title_tenant ON app.documents (owner_tenant, title) INCLUDE (id)
;;
CREATE TABLE "Audit Log"."Entry" ("Id" serial PRIMARY KEY, "When" timestamp(3) DEFAULT LOCALTIMESTAMP, "What" text, doc_id integer REFERENCES app.documents (id) ON DELETE SET NULL)
;;
CREATE VIEW app.customer_orders AS
    SELECT c.id, c.name, app.group_concat(o.status::text ORDER BY o.id) AS statuses, app.sum_sq(o.price) AS squares, count(*) AS n
    FROM app.customers c JOIN app.orders o ON o.customer_id = c.id GROUP BY c.id, c.name
;;
CREATE VIEW app.big_customers WITH (security_barrier) AS SELECT id, name FROM app.customer_orders WHERE n > 1
;;
CREATE VIEW app.open_orders AS SELECT id, customer_id, price FROM app.orders WHERE status::app.status <> 'closed' WITH CASCADED CHECK OPTION
;;
CREATE FUNCTION app.customer_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM app.big_customers $$
;;
CREATE VIEW app.stats AS SELECT app.customer_count() AS customers, (SELECT count(*) FROM app.events) AS events
;;
CREATE FUNCTION app.orders_of(cust integer) RETURNS SETOF app.orders LANGUAGE sql STABLE AS $$ SELECT * FROM app.orders WHERE customer_id = cust $$
;;
CREATE MATERIALIZED VIEW app.order_totals AS SELECT customer_id, sum(total) AS total FROM app.orders GROUP BY customer_id
;;
CREATE UNIQUE INDEX order_totals_customer ON app.order_totals (customer_id)
;;
CREATE MATERIALIZED VIEW app.empty_report AS SELECT kind, count(*) AS n FROM app.events GROUP BY kind WITH NO DATA
;;
CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW WHEN (OLD.price IS DISTINCT FROM NEW.price OR OLD.tax IS DISTINCT FROM NEW.tax) EXECUTE FUNCTION app.touch()
;;
CREATE TRIGGER orders_log AFTER INSERT OR UPDATE OF status ON app.orders FOR EACH ROW EXECUTE FUNCTION app.log_event()
;;
CREATE TRIGGER customers_log AFTER INSERT ON app.customers FOR EACH ROW EXECUTE FUNCTION app.log_event()
;;
CREATE CONSTRAINT TRIGGER lines_check AFTER INSERT ON app.order_lines DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app.log_event()
;;
ALTER TABLE app.order_lines DISABLE TRIGGER lines_check
;;
CREATE RULE no_delete_entries AS ON DELETE TO "Audit Log"."Entry" DO INSTEAD NOTHING
;;
CREATE RULE sessions_log AS ON UPDATE TO app.sessions WHERE NEW.data IS NULL DO ALSO INSERT INTO "Audit Log"."Entry" ("What") VALUES ('session cleared')
;;
ALTER TABLE app.customers ENABLE ROW LEVEL SECURITY
;;
ALTER TABLE app.customers FORCE ROW LEVEL SECURITY
;;
CREATE POLICY tenant_isolation ON app.customers USING (tenant = app.current_tenant()) WITH CHECK (tenant = app.current_tenant())
;;
CREATE POLICY admins ON app.customers AS RESTRICTIVE FOR SELECT TO PUBLIC USING (true)
;;
ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY
;;
CREATE POLICY own_docs ON app.documents FOR UPDATE USING (owner_tenant = app.current_tenant())
;;
CREATE STATISTICS app.orders_stats (dependencies, ndistinct) ON customer_id, priority FROM app.orders
;;
COMMENT ON TABLE app.customers IS 'who buys'
;;
COMMENT ON COLUMN app.customers.email IS 'unique, case-insensitive'
;;
COMMENT ON TYPE app.status IS 'order life cycle'
;;
COMMENT ON DOMAIN app.email IS 'an e-mail address'
;;
COMMENT ON FUNCTION app.net_price(numeric, numeric) IS 'price with tax'
;;
COMMENT ON AGGREGATE app.group_concat(text) IS 'comma-separated'
;;
COMMENT ON PROCEDURE app.close_order(bigint) IS 'closes an order'
;;
COMMENT ON VIEW app.customer_orders IS 'orders per customer'
;;
COMMENT ON MATERIALIZED VIEW app.order_totals IS 'refreshed nightly'
;;
COMMENT ON INDEX app.documents_search_gin IS 'full text'
;;
COMMENT ON TRIGGER orders_touch ON app.orders IS 'keeps updated_at'
;;
COMMENT ON POLICY tenant_isolation ON app.customers IS 'one tenant per session'
;;
COMMENT ON CONSTRAINT name_not_blank ON app.customers IS 'no blank names'
;;
COMMENT ON SEQUENCE app.invoice_no IS 'invoice numbers'
;;
COMMENT ON RULE no_delete_entries ON "Audit Log"."Entry" IS 'append only'
;;
COMMENT ON OPERATOR app.=== (app.money_pair, app.money_pair) IS 'pair equality'
;;
COMMENT ON COLLATION app.ci IS 'case-insensitive'
;;
COMMENT ON EXTENSION citext IS 'case-insensitive text'
;;
INSERT INTO app.customers (tenant, name, email, address, notes) VALUES
    (1, 'Ann Smith', 'ann@example.com', ROW('1 Main St', 'Springfield', '12345'), repeat('x', 3000)),
    (1, 'Bob Jones', 'BOB@example.com', NULL, NULL),
    (1, 'Zoë Ünicode', 'zoe@example.org', ROW('Rue 2', 'Paris', NULL), 'accents')
;;
INSERT INTO app.orders (customer_id, status, priority, price, tax, tags, valid) VALUES
    (10, 'new', 'high', 100.00, 23, '{a,b}', '[2024-01-01,2024-02-01)'),
    (10, 'active', 'low', 50.50, 8, '{}', '[2024-03-01,2024-04-01)'),
    (20, 'active', 'low', 9.99, 0, NULL, NULL)
;;
INSERT INTO app.order_lines VALUES (1, 1, 'widget', 2, ROW(10.5, 'EUR')), (1, 2, 'gadget', 1, ROW(79, 'EUR')), (2, 1, 'thing', 5, NULL)
;;
INSERT INTO app.sessions (data, seen) VALUES ('{"a": 1}', '[2024-01-01 00:00+00,2024-01-02 00:00+00)'), (NULL, NULL)
;;
INSERT INTO app.events (tenant, kind, at, payload) VALUES
    (1, 'login', '2022-05-01', '{"ip": "10.0.0.1"}'), (2, 'login', '2023-05-01', NULL),
    (1, 'buy', '2024-02-01', '{"n": 2}'), (3, 'buy', '2024-03-01', '{}'), (4, 'other', '2030-01-01', NULL)
;;
INSERT INTO app.measurements (city_id, reading, logdate) VALUES (1, '[1.5,2.5)', '2024-01-01'), (2, '(,3)', NULL), (3, 'empty', '2024-01-03'), (4, NULL, NULL)
;;
INSERT INTO app.documents (title, body, location) VALUES ('Hello', 'world', '(1,2)'), ('Second', NULL, NULL)
;;
INSERT INTO app.archived_documents (title, body, reason) VALUES ('Old', 'stuff', 'obsolete')
;;
INSERT INTO "Audit Log"."Entry" ("When", "What", doc_id) VALUES ('2024-01-01 10:00:00.123', 'created', 1), (NULL, 'odd', NULL)
;;
REFRESH MATERIALIZED VIEW app.order_totals
;;
SELECT setval('app.invoice_no', 1200)
;;
SELECT lo_from_bytea(0, decode(repeat('00ff', 5000), 'hex'))
;;
SELECT lo_from_bytea(0, convert_to('small large object', 'UTF8'))
;;
SELECT lo_create(424242)
;;
COMMENT ON LARGE OBJECT 424242 IS 'created empty'
;;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bk_fixture_reader') THEN CREATE ROLE bk_fixture_reader; END IF; END $$
;;
GRANT USAGE ON SCHEMA app TO bk_fixture_reader
;;
GRANT SELECT ON app.customers, app.customer_orders TO bk_fixture_reader
;;
GRANT SELECT (id, status), UPDATE (status) ON app.orders TO bk_fixture_reader
;;
GRANT USAGE ON SEQUENCE app.invoice_no TO bk_fixture_reader WITH GRANT OPTION
;;
REVOKE EXECUTE ON FUNCTION app.current_tenant() FROM PUBLIC
;;
GRANT EXECUTE ON FUNCTION app.current_tenant() TO bk_fixture_reader
;;
GRANT USAGE ON TYPE app.status TO bk_fixture_reader
;;
GRANT SELECT ON LARGE OBJECT 424242 TO bk_fixture_reader
