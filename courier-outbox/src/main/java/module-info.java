/**
 * Courier outbox: the transactional outbox (messages written in the business transaction, on
 * any JDBC {@link javax.sql.DataSource}), the polling relay that publishes them to a broker, the
 * PostgreSQL log-tailing relay ({@code io.courier.outbox.tailing}), and the durable inbox that
 * makes handling effectively once.
 */
module io.courier.outbox {
    requires transitive io.courier.messaging;
    requires transitive java.sql;
    // The log-tailing relay's replication API; users of that relay bring the driver.
    requires static org.postgresql.jdbc;
    requires org.slf4j;

    exports io.courier.outbox;
    exports io.courier.outbox.tailing;
}
