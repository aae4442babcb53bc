package io.courier.grpc.limits;

import io.courier.annotation.Service;
import java.math.BigDecimal;

/** A contract with money in it, for the tests of decode limits over gRPC. */
@Service("payments")
public interface Payments {
    record Payment(String customer, BigDecimal amount) {
    }

    /** Rounds the amount to cents, as a payment service does before anything else. */
    Payment pay(Payment payment);
}
