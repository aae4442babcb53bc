package io.courier.examples.ftgo;

import io.courier.Courier;
import io.courier.discovery.balancer.LoadBalancers;
import io.courier.examples.ftgo.accounting.AccountingService;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import java.time.Duration;

/**
 * The order service's clients, the same in one JVM ({@link DemoSystem}) and across processes
 * ({@link DemoNode}): the consumers over gRPC, found through discovery, with round robin, retries
 * of the {@code @Idempotent} check on another instance and a breaker per endpoint; accounting over
 * REST.
 *
 * @param breakers the consumers' endpoint breakers
 */
record OrderClients(CircuitBreakers breakers, ConsumerService consumer, AccountingService accounting) {
    /** The clients of {@code orders}, each consumer attempt told to {@code attempts}. */
    static OrderClients of(Courier orders, Attempts attempts) {
        // Round robin so the spread over instances is plain to see; a breaker per endpoint ejects
        // an instance once half of its last calls failed, judged on at least 10, so that a few bad
        // requests cannot shut it off. Out of time counts as slow, and only most calls slow eject.
        // Ejected for 5 s, doubling while its trial calls fail, never more than a minute.
        CircuitBreakers breakers = CircuitBreakers.of(CircuitBreaker.builder("consumer")
                .countWindow(20).minimumCalls(10).failureRateThreshold(50)
                .slowCallDuration(Duration.ofSeconds(2)).slowCallRateThreshold(80)
                .waitInOpen(Duration.ofSeconds(5)).maxWaitInOpen(Duration.ofSeconds(60)));
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(50)).build())
                .endpointBreakers(breakers)
                .build();
        ConsumerService consumer = resilience.applyTo(orders.client(ConsumerService.class), LoadBalancers.roundRobin())
                .target("discovery:consumer?scheme=grpc")
                .endpointInterceptor(attempts)
                .deadline(Duration.ofSeconds(10))
                .build();
        AccountingService accounting = orders.client(AccountingService.class)
                .target("discovery:accounting?scheme=http")
                .deadline(Duration.ofSeconds(10))
                .build();
        return new OrderClients(breakers, consumer, accounting);
    }
}
