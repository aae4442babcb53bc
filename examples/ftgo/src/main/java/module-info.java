/** The demo system: a small food-delivery app whose services talk through Courier. */
module io.courier.examples.ftgo {
    requires io.courier.core;
    requires io.courier.json;
    requires io.courier.messaging;
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
