package io.courier.messaging;

import io.courier.CourierException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scatter-gather request collected: the replies by responder, the responders that
 * answered with an error, and whether as many answered as were expected before the deadline.
 * Immutable.
 *
 * <pre>{@code
 * Replies<Quote> quotes = messaging.scatter(new QuoteRequest(order), Quote.class, 3, Duration.ofSeconds(1)).join();
 * quotes.values();        // the quotes that came
 * quotes.responders();    // who answered
 * quotes.complete();      // whether all 3 answered in time
 * }</pre>
 *
 * @param replies  each responder's reply, by responder name
 * @param failures each responder's error, for responders that failed
 * @param expected how many answers were asked for
 */
public record Replies<R>(Map<String, R> replies, Map<String, CourierException> failures, int expected) {
    /** Copies the maps. */
    public Replies {
        replies = Map.copyOf(replies);
        failures = Map.copyOf(failures);
    }

    /** The replies' values, in responder name order. */
    public List<R> values() {
        List<R> values = new ArrayList<>();
        new TreeSet<>(replies.keySet()).forEach(r -> values.add(replies.get(r)));
        return values;
    }

    /** Every responder that answered, with a reply or an error. */
    public Set<String> responders() {
        Set<String> all = new TreeSet<>(replies.keySet());
        all.addAll(failures.keySet());
        return all;
    }

    /** Whether the expected number of responders answered before the deadline. */
    public boolean complete() {
        return replies.size() + failures.size() >= expected;
    }
}
