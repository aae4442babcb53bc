package io.courier.outbox;

/** The outbox and relay on the machine's PostgreSQL. */
class PostgresOutboxTest extends OutboxContractTest {
    @Override
    Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
