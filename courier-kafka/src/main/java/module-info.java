/**
 * The Courier message broker SPI on Apache Kafka: {@code KafkaBroker}, configured by an
 * immutable {@code KafkaConfig}.
 */
module io.courier.kafka {
    requires transitive io.courier.messaging;
    requires kafka.clients;
    requires org.slf4j;

    exports io.courier.kafka;
}
