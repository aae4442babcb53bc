package io.courier.validation;

import io.courier.annotation.Get;
import io.courier.annotation.Post;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A contract with Bean Validation constraints on its parameters and records. */
@Service("catalog")
public interface Catalog {
    @Post("/orders")
    String place(@Valid Order order);

    @Get("/orders/recent")
    String recent(@Query("limit") @Positive @Max(100) int limit);

    record Order(@NotBlank String customer, @NotNull @Size(min = 1, max = 3) List<@Valid Line> lines) {
    }

    record Line(@NotBlank String sku, @Positive int quantity) {
    }

    /** Counts the calls that reached it. */
    final class Desk implements Catalog {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String place(Order order) {
            calls.incrementAndGet();
            return order.customer() + ": " + order.lines().size() + " lines";
        }

        @Override
        public String recent(int limit) {
            calls.incrementAndGet();
            return "last " + limit;
        }
    }
}
