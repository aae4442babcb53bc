package io.courier.console;

import io.courier.annotation.Get;
import io.courier.annotation.Idempotent;
import io.courier.annotation.Path;
import io.courier.annotation.Service;

/** The downstream service of the tests. */
@Service("stock")
public interface Stock {
    @Get("/stock/{sku}")
    @Idempotent
    int level(@Path("sku") String sku);
}
