package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that an implementation (the class, or one of its methods) never blocks, so the
 * server calls it on the transport's own thread instead of handing the call to a virtual
 * thread. That saves a thread hop per call, which on small machines costs about as much as the
 * rest of a small call, at a price: a method that does block (I/O, a lock, a synchronous call to
 * another service) stalls every connection of that event loop, and a deadline can no longer
 * interrupt it. Methods returning a {@code CompletableFuture} always run in place.
 *
 * <pre>{@code
 * @NonBlocking
 * final class PriceList implements Prices {
 *     public Price price(String sku) { return table.get(sku); }   // a map lookup: never blocks
 * }
 * }</pre>
 *
 * <p>Put it on the implementation, not on the contract: whether a method blocks is the
 * implementation's business, and callers see no difference.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface NonBlocking {
}
