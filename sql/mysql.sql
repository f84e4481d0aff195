-- The PHP side's tables for MySQL 8 / MariaDB 10.5+, exactly as
-- docs/contract/database.md defines them (names and types unchanged).
-- public/invoice_ready.php writes into invoice_jobs, invoices and reports.
-- Table options (InnoDB, utf8mb4) are added: the receiver needs transactions
-- and row locks, and external_ref may hold any Unicode text.
--
--   mysql -u root DBNAME < sql/mysql.sql

CREATE TABLE users (
  id            BIGINT PRIMARY KEY AUTO_INCREMENT,
  email         VARCHAR(255) UNIQUE,
  created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE invoices (
  id            BIGINT PRIMARY KEY AUTO_INCREMENT,
  user_id       BIGINT NULL,
  external_ref  VARCHAR(255) NULL,
  source_kind   ENUM('pdf','images') NOT NULL,
  type          ENUM('auto','electricite','gaz','dual') NOT NULL,
  created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT fk_invoices_user FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE reports (
  id                         BIGINT PRIMARY KEY AUTO_INCREMENT,
  invoice_id                 BIGINT NOT NULL,
  non_anonymous_pdf          LONGBLOB NOT NULL,
  anonymous_pdf              LONGBLOB NOT NULL,
  non_anonymous_size         INT UNSIGNED NOT NULL,
  anonymous_size             INT UNSIGNED NOT NULL,
  non_anonymous_sha256       CHAR(64) NOT NULL,
  anonymous_sha256           CHAR(64) NOT NULL,
  created_at                 TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT fk_reports_invoice FOREIGN KEY (invoice_id) REFERENCES invoices(id),
  INDEX (non_anonymous_sha256), INDEX (anonymous_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- async jobs
CREATE TABLE invoice_jobs (
  task_id                    VARCHAR(64) PRIMARY KEY,
  status                     VARCHAR(16) NOT NULL,
  user_id                    BIGINT NULL,
  invoice_id                 BIGINT NULL,
  external_ref               VARCHAR(255) NULL,
  source_kind                ENUM('pdf','images') NOT NULL,
  non_anonymous_pdf          LONGBLOB NOT NULL,
  anonymous_pdf              LONGBLOB NOT NULL,
  non_anonymous_size         INT UNSIGNED NOT NULL,
  anonymous_size             INT UNSIGNED NOT NULL,
  non_anonymous_sha256       CHAR(64) NOT NULL,
  anonymous_sha256           CHAR(64) NOT NULL,
  created_at                 TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  completed_at               TIMESTAMP NULL,
  INDEX (status), INDEX (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Added for the receiver: it finds a job's earlier report by invoice and
-- hashes when the same job is delivered again.
CREATE INDEX reports_invoice_sha_idx ON reports (invoice_id, non_anonymous_sha256, anonymous_sha256);
