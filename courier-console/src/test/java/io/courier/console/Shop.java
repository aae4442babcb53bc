package io.courier.console;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;

/** The service the tests call over REST; it calls {@link Stock} over gRPC and publishes {@link Restocked}. */
@Service("shop")
public interface Shop {
    @Get("/items/{sku}")
    String item(@Path("sku") String sku);
}
