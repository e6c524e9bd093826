-- OutboxKit inbox, schema version 1, PostgreSQL.
-- Idempotent: safe to run again. Usable as a Flyway or Liquibase migration as it is (default names,
-- unqualified, so the table lands in the first schema of the search_path). InboxSchema installs the same
-- script with a configured schema and table name.

CREATE TABLE IF NOT EXISTS inbox_message (
    consumer    varchar(255)  NOT NULL,
    message_id  varchar(1024) NOT NULL,
    received_at timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Retention deletes rows by age in bounded batches: this index keeps each batch from scanning the table.
CREATE INDEX IF NOT EXISTS inbox_message_received_at_idx ON inbox_message (received_at);
