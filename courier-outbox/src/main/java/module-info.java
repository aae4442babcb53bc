/**
 * Courier's transactional outbox: messages written in the business transaction, and the
 * relays that publish them ({@code io.courier.outbox.tailing}: PostgreSQL log tailing).
 */
module io.courier.outbox {
    requires transitive io.courier.messaging;
    requires transitive java.sql;
    // The log-tailing relay's replication API; users of that relay bring the driver.
    requires static org.postgresql.jdbc;
    requires org.slf4j;

    exports io.courier.outbox.tailing;
}
