-- Courier outbox and inbox tables for PostgreSQL (tested on 15).
-- Apply with OutboxSchema.create(dataSource), or run it with your migration tool. Every statement is
-- idempotent. OutboxSchema replaces the prefix "courier_" of every name when another prefix is configured.

-- One row per message written in a business transaction, deleted (or marked) once the broker has it.
CREATE TABLE IF NOT EXISTS courier_outbox (
    id            BIGSERIAL    PRIMARY KEY,  -- write order; the relay publishes a partition in id order
    message_id    VARCHAR(255) NOT NULL,     -- Message.id(): what consumers deduplicate on
    channel       VARCHAR(255) NOT NULL,     -- Message.channel()
    partition_key VARCHAR(255),              -- Message.partitionKey(), null for none
    partition_no  INTEGER      NOT NULL,     -- hash of the key modulo the outbox's partitions: one relay per partition
    headers       TEXT         NOT NULL,     -- the envelope and user headers (MessageHeaders.write), form-encoded
    payload       BYTEA        NOT NULL,     -- Message.payload()
    created_at    BIGINT       NOT NULL,     -- when the row was written, milliseconds since the epoch
    published_at  BIGINT                     -- when the broker confirmed it (rows kept after publishing), else null
);

-- The relay's query: the oldest unpublished rows of the partitions it holds.
CREATE INDEX IF NOT EXISTS courier_outbox_pending ON courier_outbox (partition_no, id) WHERE published_at IS NULL;
-- Retention of published rows.
CREATE INDEX IF NOT EXISTS courier_outbox_published ON courier_outbox (published_at) WHERE published_at IS NOT NULL;

-- Rows a relay set aside: rows it could not read (malformed headers, a null column), and messages the
-- broker refused for good (too large, say). Each keeps its outbox id; nothing here is sent until moved
-- back to courier_outbox by hand (see docs/outbox.md). The columns accept what the row held, nulls included.
CREATE TABLE IF NOT EXISTS courier_outbox_parked (
    id            BIGINT        PRIMARY KEY, -- the row's id in courier_outbox
    message_id    VARCHAR(255),
    channel       VARCHAR(255),
    partition_key VARCHAR(255),
    partition_no  INTEGER,
    headers       TEXT,
    payload       BYTEA,
    created_at    BIGINT,
    parked_at     BIGINT        NOT NULL,    -- milliseconds since the epoch
    reason        VARCHAR(1000) NOT NULL     -- what was wrong, and what was expected
);

-- One row per message a consumer group has handled, written in the handler's own transaction.
CREATE TABLE IF NOT EXISTS courier_inbox (
    consumer_group VARCHAR(255) NOT NULL,
    message_id     VARCHAR(255) NOT NULL,
    processed_at   BIGINT       NOT NULL,    -- milliseconds since the epoch; rows expire after the inbox's retention
    PRIMARY KEY (consumer_group, message_id)
);

CREATE INDEX IF NOT EXISTS courier_inbox_processed ON courier_inbox (processed_at);
