package io.courier.examples.ftgo;

import io.courier.Courier;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.examples.ftgo.consumer.ConsumerServiceImpl;
import io.courier.examples.ftgo.order.OrderService;
import io.courier.examples.ftgo.order.OrderServiceImpl;
import java.net.URI;
import java.time.Duration;

/**
 * The running demo: a consumer service and an order service, each its own {@link Courier}
 * with its own port, the order service calling the consumer service over REST.
 */
public final class DemoSystem implements AutoCloseable {
    private final Courier consumerService;
    private final Courier orderService;

    private DemoSystem(Courier consumerService, Courier orderService) {
        this.consumerService = consumerService;
        this.orderService = orderService;
    }

    /** Starts both services on the given ports (0 picks free ones). */
    public static DemoSystem start(int consumerPort, int orderPort) {
        Courier consumers = Courier.builder().name("consumer-service").port(consumerPort).build();
        consumers.serve(ConsumerService.class, new ConsumerServiceImpl());

        Courier orders = Courier.builder().name("order-service").port(orderPort).build();
        ConsumerService consumerClient = orders.client(ConsumerService.class)
                .target(consumers.uri())
                .deadline(Duration.ofSeconds(2))
                .build();
        orders.serve(OrderService.class, new OrderServiceImpl(consumerClient));
        return new DemoSystem(consumers, orders);
    }

    /** Where the consumer service listens. */
    public URI consumerService() {
        return consumerService.uri();
    }

    /** Where the order service listens. */
    public URI orderService() {
        return orderService.uri();
    }

    @Override
    public void close() {
        orderService.close();
        consumerService.close();
    }
}
