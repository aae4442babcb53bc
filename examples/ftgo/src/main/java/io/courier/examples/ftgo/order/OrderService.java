package io.courier.examples.ftgo.order;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/** The order service's contract. */
@Service("order")
public interface OrderService {
    /** Creates an order after the consumer service has validated it. */
    @Post("/orders")
    Order create(NewOrder order);

    /** One order; {@code NotFoundException} when there is none with this id. */
    @Get("/orders/{id}")
    CompletableFuture<Order> get(@Path("id") String id);
}
