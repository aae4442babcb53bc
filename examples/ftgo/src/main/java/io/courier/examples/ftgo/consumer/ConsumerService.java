package io.courier.examples.ftgo.consumer;

import io.courier.annotation.Get;
import io.courier.annotation.Idempotent;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import io.courier.examples.ftgo.Money;

/** The consumer service's contract: who may order, and up to what amount. */
@Service("consumer")
public interface ConsumerService {
    /** One consumer; {@code NotFoundException} when there is none with this id. */
    @Get("/consumers/{id}")
    Consumer get(@Path("id") long id);

    /**
     * Checks that the consumer may place an order of {@code total}; throws
     * {@code FailedPreconditionException} when the amount is over their limit.
     */
    @Idempotent
    @Post("/consumers/{id}/validate")
    void validateOrder(@Path("id") long id, Money total);
}
