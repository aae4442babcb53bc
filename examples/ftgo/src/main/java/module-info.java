/** The demo system: a small food-delivery app whose services talk through Courier. */
module io.courier.examples.ftgo {
    requires io.courier.core;
    requires java.net.http;

    exports io.courier.examples.ftgo;
    exports io.courier.examples.ftgo.consumer;
    exports io.courier.examples.ftgo.order;
}
