package io.courier.http;

import io.courier.annotation.Get;
import io.courier.annotation.Post;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.math.BigDecimal;

/** A contract with money in it, for the tests of decode limits over REST. */
@Service("payments")
public interface Payments {
    record Payment(String customer, BigDecimal amount) {
    }

    /** Rounds the amount to cents, as a payment service does before anything else. */
    @Post("/payments")
    Payment pay(Payment payment);

    @Get("/quotes")
    BigDecimal quote(@Query("amount") BigDecimal amount);
}
