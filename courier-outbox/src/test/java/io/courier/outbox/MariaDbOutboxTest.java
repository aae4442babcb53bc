package io.courier.outbox;

/** The outbox and relay on the machine's MariaDB. */
class MariaDbOutboxTest extends OutboxContractTest {
    @Override
    Dialect dialect() {
        return Dialect.MARIADB;
    }
}
