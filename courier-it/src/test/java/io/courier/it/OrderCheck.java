package io.courier.it;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;

/** An idempotent check whose input can be bad (rejected) or pathological (works until the deadline). */
@Service("orders")
public interface OrderCheck {
    @Get("/orders/{n}/check")
    long check(@Path("n") long n);
}
