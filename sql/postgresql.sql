-- The PHP side's tables for PostgreSQL 12+, exactly as
-- docs/contract/database.md defines them (names and types unchanged).
-- public/invoice_ready.php writes into invoice_jobs, invoices and reports.
--
--   psql -d DBNAME -v ON_ERROR_STOP=1 -f sql/postgresql.sql

CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  email         text UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE type_kind AS ENUM ('auto','electricite','gaz','dual');
CREATE TYPE source_kind AS ENUM ('pdf','images');

CREATE TABLE invoices (
  id            BIGSERIAL PRIMARY KEY,
  user_id       bigint NULL REFERENCES users(id),
  external_ref  text NULL,
  source_kind   source_kind NOT NULL,
  type          type_kind NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reports (
  id                         BIGSERIAL PRIMARY KEY,
  invoice_id                 bigint NOT NULL REFERENCES invoices(id),
  non_anonymous_pdf          bytea NOT NULL,
  anonymous_pdf              bytea NOT NULL,
  non_anonymous_size         integer NOT NULL,
  anonymous_size             integer NOT NULL,
  non_anonymous_sha256       char(64) NOT NULL,
  anonymous_sha256           char(64) NOT NULL,
  created_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_nonanon_sha_idx ON reports(non_anonymous_sha256);
CREATE INDEX reports_anon_sha_idx ON reports(anonymous_sha256);

-- async jobs
CREATE TABLE invoice_jobs (
  task_id                    text PRIMARY KEY,
  status                     text NOT NULL,
  user_id                    bigint NULL,
  invoice_id                 bigint NULL,
  external_ref               text NULL,
  source_kind                source_kind NOT NULL,
  non_anonymous_pdf          bytea NOT NULL,
  anonymous_pdf              bytea NOT NULL,
  non_anonymous_size         integer NOT NULL,
  anonymous_size             integer NOT NULL,
  non_anonymous_sha256       char(64) NOT NULL,
  anonymous_sha256           char(64) NOT NULL,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  completed_at               timestamptz NULL
);
CREATE INDEX invoice_jobs_status_idx ON invoice_jobs(status);
CREATE INDEX invoice_jobs_created_idx ON invoice_jobs(created_at);

-- Added for the receiver: PostgreSQL does not index foreign keys by itself,
-- and the receiver finds a job's earlier report by invoice and hashes.
CREATE INDEX reports_invoice_sha_idx ON reports(invoice_id, non_anonymous_sha256, anonymous_sha256);
