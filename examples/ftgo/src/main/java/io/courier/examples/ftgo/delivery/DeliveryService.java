package io.courier.examples.ftgo.delivery;

import io.courier.annotation.Get;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.util.List;

/**
 * The delivery service's contract, for people: the quotes its couriers gave. The order service
 * asks for quotes over the broker ({@code Messaging.scatter} with a {@link QuoteRequest}).
 */
@Service("delivery")
public interface DeliveryService {
    /** The quotes given for an order, in the order they were made. */
    @Get("/quotes")
    List<DeliveryQuote> quotes(@Query("order") String orderId);
}
