package io.courier.examples.ftgo.accounting;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import java.util.List;

/**
 * The accounting service's contract: the order service authorises the card synchronously over
 * REST before accepting an order; the charge follows from the {@code OrderCreated} event.
 */
@Service("accounting")
public interface AccountingService {
    /** Holds the amount on the consumer's card; {@code FailedPreconditionException} when declined. */
    @Post("/authorizations")
    Authorization authorize(CardAuthorization request);

    /** What was charged to a consumer, oldest first. */
    @Get("/accounts/{consumerId}/charges")
    List<Charge> charges(@Path("consumerId") long consumerId);
}
