package io.courier.messaging.conformance;

import io.courier.annotation.OneWay;
import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/** What the two processes of {@link TwoJvmConformance} say to each other. */
@Service("courier-two-jvm-kitchen")
public interface TwoJvmContract {
    /** A command with a reply. */
    CompletableFuture<String> prepare(String dish);

    /** A one-way command; the kitchen answers it with a {@link Noted} event. */
    @OneWay
    void note(String text);

    /** An event the orders process publishes and the kitchen subscribes to. */
    record Placed(String orderId) {
    }

    /** The kitchen's event that it saw a {@link Placed} order. */
    record Seen(String orderId, long pid) {
    }

    /** The kitchen's event that it got a one-way note. */
    record Noted(String text) {
    }

    /** A scatter-gather request. */
    record QuoteAsk(String orderId) {
    }

    /** A scatter-gather reply. */
    record QuoteGiven(String by, long pid) {
    }
}
