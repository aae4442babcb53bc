package io.courier.examples.ftgo.consumer;

import io.courier.FailedPreconditionException;
import io.courier.NotFoundException;
import io.courier.examples.ftgo.Money;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance of the consumer service: a fixed set of consumers, enough for the demo. Counts
 * the orders it validated, so the demo can show how calls spread over instances. Thread-safe.
 */
public final class ConsumerServiceImpl implements ConsumerService {
    private final Map<Long, Consumer> consumers = Map.of(
            1L, new Consumer(1, "Ada Lovelace", Money.euros("100.00")),
            2L, new Consumer(2, "Grace Hopper", Money.euros("30.00")));
    private final AtomicLong validations = new AtomicLong();

    @Override
    public Consumer get(long id) {
        Consumer c = consumers.get(id);
        if (c == null) {
            throw new NotFoundException("consumer " + id + " does not exist");
        }
        return c;
    }

    @Override
    public void validateOrder(long id, Money total) {
        validations.incrementAndGet();
        Consumer c = get(id);
        if (total.exceeds(c.orderLimit())) {
            throw new FailedPreconditionException("order of " + total.amount() + " " + total.currency()
                    + " is over the limit of " + c.orderLimit().amount() + " for consumer " + id,
                    Map.of("limit", c.orderLimit().amount().toPlainString()));
        }
    }

    /** How many orders this instance has validated. */
    public long validations() {
        return validations.get();
    }
}
