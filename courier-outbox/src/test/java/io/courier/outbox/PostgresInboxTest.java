package io.courier.outbox;

/** The durable inbox on the machine's PostgreSQL. */
class PostgresInboxTest extends InboxContractTest {
    @Override
    Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
