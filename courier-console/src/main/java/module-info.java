/**
 * The Courier web console: {@link io.courier.console.Console} serves, under {@code /console}
 * on a service's REST port, a page that draws the services and instances discovery knows and
 * the calls and messages between them (read from each instance's Prometheus scrape), their
 * breakers, retry budgets and bulkheads, the dead letters of the channels it watches (with a
 * guarded replay), and each service's contract with a form to try a call.
 */
module io.courier.console {
    requires transitive io.courier.core;
    requires transitive io.courier.messaging;
    requires io.courier.http;
    requires io.vertx.core;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;

    exports io.courier.console;
}
