package io.courier.outbox;

/** The durable inbox on the machine's MariaDB. */
class MariaDbInboxTest extends InboxContractTest {
    @Override
    Dialect dialect() {
        return Dialect.MARIADB;
    }
}
