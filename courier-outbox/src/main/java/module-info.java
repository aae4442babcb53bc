/**
 * Courier outbox: the transactional outbox (messages written in the business transaction, on
 * any JDBC {@link javax.sql.DataSource}), the polling relay that publishes them to a broker, and
 * the durable inbox that makes handling effectively once.
 */
module io.courier.outbox {
    requires transitive io.courier.messaging;
    requires transitive java.sql;
    requires org.slf4j;

    exports io.courier.outbox;
}
