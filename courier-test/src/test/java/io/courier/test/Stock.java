package io.courier.test;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;

/** The contract the fault injection tests call. */
@Service("stock")
public interface Stock {
    @Get("/levels/{sku}")
    int level(@Path("sku") String sku);

    @Post("/reservations")
    String reserve(String sku);
}
