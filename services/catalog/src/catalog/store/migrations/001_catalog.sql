-- The catalog's own schema: one table per entity kind, keyed by the natural key ("|" joins the parts of a
-- composite key). Column names are the record fields' names, so a record's JSON fills a row as it is
-- (jsonb_populate_record). References are checked by the import and the admin commands (store/references.py),
-- which report them with file, line and reason, instead of by foreign keys.
CREATE SCHEMA IF NOT EXISTS catalog;

CREATE TABLE catalog.enterprise_companies (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL);
CREATE TABLE catalog.company_locations (
  key text PRIMARY KEY, company text NOT NULL, code text NOT NULL, name text NOT NULL);
CREATE TABLE catalog.document_types (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, sales_order boolean NOT NULL);
CREATE TABLE catalog.channels (
  key text PRIMARY KEY, code varchar(10) NOT NULL, name text NOT NULL, active boolean NOT NULL);
CREATE TABLE catalog.sites (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, enterprise_company text,
  settings jsonb NOT NULL);
CREATE TABLE catalog.price_types (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, position integer NOT NULL);
CREATE TABLE catalog.price_lists (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL,
  active boolean NOT NULL, from_date date NOT NULL, thru_date date);
CREATE TABLE catalog.customers (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, active boolean NOT NULL,
  agreements text[] NOT NULL, servicing_company text, servicing_location text, default_channel text,
  customer_type text, target_groups text[] NOT NULL, price_list text, ship_to text);
CREATE TABLE catalog.persons (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, parent_party text);
CREATE TABLE catalog.users (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, person text);
CREATE TABLE catalog.external_access (
  key text PRIMARY KEY, "user" text NOT NULL, customer text NOT NULL,
  role text NOT NULL CHECK (role IN ('L10', 'L20', 'L30', 'L40', 'L80', 'L90')),
  days_back_access integer CHECK (days_back_access >= 0));
CREATE TABLE catalog.product_groups (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, parent text);
CREATE TABLE catalog.products (
  key text PRIMARY KEY, code text NOT NULL, name text NOT NULL, unit text NOT NULL, product_group text,
  active boolean NOT NULL);
CREATE TABLE catalog.customer_products (
  key text PRIMARY KEY, customer text NOT NULL, product_code text NOT NULL,
  active boolean NOT NULL, from_date date NOT NULL, thru_date date,
  order_multiple numeric, min_in_store numeric, max_in_store numeric);
CREATE TABLE catalog.channel_products (
  key text PRIMARY KEY, channel text NOT NULL, product_code text NOT NULL,
  active boolean NOT NULL, from_date date NOT NULL, thru_date date,
  min_sales_quantity numeric, min_sales_price_per_lot numeric);
CREATE TABLE catalog.price_entries (
  key text PRIMARY KEY, id text NOT NULL, product_code text NOT NULL, price_type text NOT NULL,
  price numeric NOT NULL, currency text NOT NULL, active boolean NOT NULL, from_date date NOT NULL,
  thru_date date, min_quantity numeric, max_quantity numeric, priority integer NOT NULL,
  customer text, ship_to text, enterprise_company text, enterprise_company_location text, channel text,
  price_list text, target_group text);
CREATE TABLE catalog.line_discounts (
  key text PRIMARY KEY, id text NOT NULL, level integer NOT NULL, percent numeric NOT NULL,
  active boolean NOT NULL, from_date date NOT NULL, thru_date date, min_quantity numeric,
  max_quantity numeric, priority integer NOT NULL, product_code text, product_group text, customer text,
  customer_type text, channel text, price_list text, target_group text);
CREATE TABLE catalog.availability (
  key text PRIMARY KEY, store text NOT NULL, product_code text NOT NULL, enterprise_company text NOT NULL,
  date date NOT NULL, quantity numeric NOT NULL);
CREATE TABLE catalog.promotional_packages (
  key text PRIMARY KEY, id text NOT NULL, name text NOT NULL, currency text NOT NULL,
  active boolean NOT NULL, from_date date NOT NULL, thru_date date, lines jsonb NOT NULL,
  customer text, ship_to text, channel text, price_list text, enterprise_company text,
  enterprise_company_location text, target_group text);

-- Rows of an import (or of one admin command) on their way in: validated, staged outside any long
-- transaction, then applied in one short one. Unlogged: a crash only loses an import that is re-run.
CREATE UNLOGGED TABLE catalog.staged_rows (
  batch uuid NOT NULL, kind text NOT NULL, key text NOT NULL, source text NOT NULL, line integer NOT NULL,
  record jsonb NOT NULL, PRIMARY KEY (batch, kind, key));

-- The outbox: one row per change, written in the transaction of the change. `revision` is the catalog
-- revision; writers hold one advisory lock per transaction (store/apply.py), so revisions commit in
-- order and the relay can publish strictly by revision. `record` NULL = deleted (a tombstone).
CREATE TABLE catalog.changes (
  revision bigserial PRIMARY KEY,
  kind text NOT NULL,
  key text NOT NULL,
  record jsonb,
  correlation_id uuid NOT NULL,
  causation_id uuid,
  actor jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now());

-- How far each relay has published, moved only after the broker acknowledged.
CREATE TABLE catalog.relay_positions (relay text PRIMARY KEY, revision bigint NOT NULL);

-- Admin commands already answered: a redelivered command gets its first reply.
CREATE TABLE catalog.processed_commands (
  command_id uuid PRIMARY KEY, reply jsonb NOT NULL, processed_at timestamptz NOT NULL DEFAULT now());
