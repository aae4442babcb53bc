/** The demo system: a small food-delivery app whose services talk through Courier. */
module io.courier.examples.ftgo {
    // Transitive: the services' contracts carry Courier's annotations and types, and
    // OrderServiceImpl takes a Messaging, so a reader of this module needs both.
    requires transitive io.courier.core;
    requires io.courier.json;
    requires transitive io.courier.messaging;
    requires io.courier.resilience;
    requires io.courier.discovery;
    requires java.net.http;

    exports io.courier.examples.ftgo;
    exports io.courier.examples.ftgo.consumer;
    exports io.courier.examples.ftgo.order;
    exports io.courier.examples.ftgo.kitchen;
    exports io.courier.examples.ftgo.accounting;
    exports io.courier.examples.ftgo.notification;
    exports io.courier.examples.ftgo.delivery;
}
