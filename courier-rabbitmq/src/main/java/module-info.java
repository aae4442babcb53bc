/**
 * The Courier message broker SPI on RabbitMQ: {@code RabbitBroker}, configured by an immutable
 * {@code RabbitConfig}.
 */
module io.courier.rabbitmq {
    requires transitive io.courier.messaging;
    requires com.rabbitmq.client;
    requires org.slf4j;

    exports io.courier.rabbitmq;
}
