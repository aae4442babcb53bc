package io.courier.examples.ftgo.order;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** The order service's contract. */
@Service("order")
public interface OrderService {
    /** Creates an order after the consumer service has validated it. */
    @Post("/orders")
    Order create(NewOrder order);

    /** One order; {@code NotFoundException} when there is none with this id. */
    @Get("/orders/{id}")
    CompletableFuture<Order> get(@Path("id") String id);

    /**
     * The order's steps as they happen: a gRPC server stream, or Server-Sent Events over REST;
     * {@code NotFoundException} when there is no such order.
     */
    @Get("/orders/{id}/status")
    Stream<OrderStatus> status(@Path("id") String id);
}
