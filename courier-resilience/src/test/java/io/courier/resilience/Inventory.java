package io.courier.resilience;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/** The contract the tests call: GET methods are idempotent, POST ones are not. */
@Service("inventory")
public interface Inventory {
    @Get("/items/{id}")
    String item(@Path("id") long id);

    @Get("/items/{id}/count")
    int count(@Path("id") long id);

    @Get("/items/{id}/async")
    CompletableFuture<String> itemAsync(@Path("id") long id);

    @Post("/items")
    String create(String name);

    @Post("/items/{id}/touch")
    void touch(@Path("id") long id);
}
