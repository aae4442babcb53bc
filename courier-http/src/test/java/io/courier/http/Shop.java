package io.courier.http;

import io.courier.annotation.Delete;
import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.OneWay;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Put;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The contract the HTTP transport's own tests serve. */
@Service("shop")
public interface Shop {
    record Item(String sku, int quantity) {
    }

    record Order(long id, List<Item> items, Instant placedAt) {
    }

    @Get("/orders/{id}")
    Order get(@Path("id") long id);

    @Get("/orders/recent")
    List<Order> recent(@Query("limit") int limit, @Query("sku") List<String> skus, @Query("after") Optional<Instant> after);

    @Post("/orders")
    Order place(Order order);

    @Put("/orders/{id}/note")
    void note(@Path("id") long id, @Header("x-note-author") String author, String note);

    @Delete("/orders/{id}")
    CompletableFuture<Void> cancel(@Path("id") long id);

    @Get("/orders/{id}/async")
    CompletableFuture<Order> getAsync(@Path("id") long id);

    @OneWay
    @Post("/events")
    void record(String event);

    @Get("/whoami")
    String whoami(@Header("x-who") String who);

    @Post("/slow")
    String slow(String token);

    @Get("/missing/{id}")
    Order missing(@Path("id") long id);
}
