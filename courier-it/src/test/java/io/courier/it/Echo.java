package io.courier.it;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;

/** The idempotent method the instances serve under load. */
@Service("echo")
public interface Echo {
    @Get("/echo/{n}")
    long echo(@Path("n") long n);
}
