package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxRelay;
import io.courier.outbox.OutboxSchema;
import io.courier.outbox.tailing.LogTailingRelay;
import io.courier.outbox.testing.TestPostgres;
import io.courier.test.Await;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Discovery, messaging and outbox meters bound to a registry, read back through the Prometheus scrape. */
class InfrastructureMetricsTest {
    /** The event of the tests. */
    public record Shipped(String order) {
    }

    private final CourierMetrics metrics = CourierMetrics.builder().build();

    private Scrape scrape() {
        return Scrape.parse(((PrometheusMeterRegistry) metrics.registry()).scrape());
    }

    @Test
    void discoveryViewShowsInstancesPerHealthAndFreshness() {
        StaticDiscovery discovery = StaticDiscovery.create();
        discovery.register(ServiceInstance.of("stock", "stock-1", List.of(URI.create("http://127.0.0.1:1"))));
        discovery.register(ServiceInstance.of("stock", "stock-2", List.of(URI.create("http://127.0.0.1:2")))
                .withHealth(ServiceInstance.Health.DOWN));
        try (ServiceView view = ServiceView.watch(discovery, "stock")) {
            view.ready().join();
            metrics.bind(view);
            Scrape s = scrape();
            assertThat(s.value("courier_discovery_instances", Map.of("courier_service", "stock", "health", "up"))).isEqualTo(1);
            assertThat(s.value("courier_discovery_instances", Map.of("courier_service", "stock", "health", "down"))).isEqualTo(1);
            assertThat(s.value("courier_discovery_instances", Map.of("courier_service", "stock", "health", "draining"))).isZero();
            assertThat(s.value("courier_discovery_stale", Map.of("courier_service", "stock"))).isZero();
            assertThat(s.value("courier_discovery_error", Map.of("courier_service", "stock"))).isZero();
            assertThat(s.value("courier_discovery_age_seconds", Map.of("courier_service", "stock"))).isBetween(0.0, 60.0);

            discovery.deregister(ServiceInstance.of("stock", "stock-2", List.of(URI.create("http://127.0.0.1:2"))));
            Await.until(Duration.ofSeconds(10), "the view without stock-2", () -> view.instances().size() == 1);
            assertThat(scrape().value("courier_discovery_instances", Map.of("courier_service", "stock", "health", "down")))
                    .isZero();
        }
    }

    @Test
    void messagingShowsDuplicatesSkipped() {
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = Messaging.builder().name("shipping").broker(broker).codec(JsonCodec.create())
                     .processedMessages(io.courier.messaging.ProcessedMessages.inMemory(1000))
                     .build()) {
            metrics.bindMessaging(messaging);
            java.util.List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
            messaging.subscribe(Shipped.class, "billing", e -> handled.add(e.order()));
            // The message sent again, as a broker redelivering it would: handled once, skipped once.
            java.util.concurrent.CompletableFuture<io.courier.messaging.Message> sent = new java.util.concurrent.CompletableFuture<>();
            broker.subscribe("Shipped", "tap", d -> {
                sent.complete(d.message());
                d.ack();
            });
            messaging.publish(new Shipped("o-1"), "o-1");
            broker.send(sent.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join()).join();
            Await.until(Duration.ofSeconds(10), "one handled, one skipped", () -> messaging.duplicatesSkipped() == 1);
            assertThat(handled).containsExactly("o-1");
            Scrape s = scrape();
            assertThat(s.value("messaging_duplicates_skipped_total", Map.of("courier_messaging", "shipping"))).isEqualTo(1);
            assertThat(s.value("messaging_replies_dropped_total", Map.of("courier_messaging", "shipping"))).isZero();
            assertThat(s.value("messaging_expired_dropped_total", Map.of("courier_messaging", "shipping"))).isZero();
        }
    }

    @Test
    void outboxRelayShowsBacklogPublishedAndLatency() throws Exception {
        try (TestPostgres.Database db = TestPostgres.shared().createDatabase("obsoutbox");
             InMemoryBroker broker = InMemoryBroker.create()) {
            OutboxSchema.create(db.dataSource());
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).build();
            try (Messaging messaging = Messaging.builder().name("orders").broker(outbox.broker(broker))
                    .codec(JsonCodec.create()).build()) {
                for (int i = 0; i < 3; i++) {
                    String order = "o-" + i;
                    outbox.transaction(c -> messaging.publish(new Shipped(order), order));
                }
                OutboxRelay relay = outbox.relay(broker).minPollInterval(Duration.ofMillis(1))
                        .maxPollInterval(Duration.ofMillis(20)).build();
                metrics.bindOutbox(relay, "orders");
                assertThat(scrape().value("courier_outbox_backlog", Map.of("courier_relay", "orders"))).isEqualTo(3);
                assertThat(scrape().value("courier_outbox_published_total", Map.of("courier_relay", "orders"))).isZero();
                relay.start();
                try (relay) {
                    Await.until(Duration.ofSeconds(20), "the three rows published", () -> relay.published() == 3);
                    Scrape s = scrape();
                    assertThat(s.value("courier_outbox_published_total", Map.of("courier_relay", "orders"))).isEqualTo(3);
                    assertThat(s.value("courier_outbox_backlog", Map.of("courier_relay", "orders"))).isZero();
                    assertThat(s.value("courier_outbox_relay_latency_seconds", Map.of("courier_relay", "orders")))
                            .isPositive();
                    assertThat(s.value("courier_outbox_partitions_held", Map.of("courier_relay", "orders"))).isPositive();
                }
            }
        }
    }

    @Test
    void logTailingRelayShowsPublishedLatencyLagAndActive() throws Exception {
        try (TestPostgres.Database db = TestPostgres.shared().createDatabase("obstailing");
             InMemoryBroker broker = InMemoryBroker.create()) {
            db.requireLogical();
            OutboxSchema.create(db.dataSource());
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).build();
            try (LogTailingRelay relay = LogTailingRelay.builder().jdbcUrl(db.jdbcUrl()).property("user", "postgres")
                         .broker(broker).outbox(outbox).slot("obs_" + db.name()).standbyRetry(Duration.ofMillis(100))
                         .build();
                 Messaging messaging = Messaging.builder().name("orders").broker(outbox.broker(broker))
                         .codec(JsonCodec.create()).build()) {
                metrics.bindOutbox(relay);
                String slot = relay.slot();
                assertThat(scrape().value("courier_outbox_relay_active", Map.of("courier_relay", slot))).isZero();
                relay.start();
                Await.until(Duration.ofSeconds(30), "the relay reads its slot", relay::isActive);
                for (int i = 0; i < 3; i++) {
                    String order = "o-" + i;
                    outbox.transaction(c -> messaging.publish(new Shipped(order), order));
                }
                Await.until(Duration.ofSeconds(30), "the three rows published", () -> relay.publishedCount() == 3);
                Scrape s = scrape();
                assertThat(s.value("courier_outbox_relay_active", Map.of("courier_relay", slot))).isEqualTo(1);
                assertThat(s.value("courier_outbox_published_total", Map.of("courier_relay", slot))).isEqualTo(3);
                assertThat(s.value("courier_outbox_relay_latency_seconds", Map.of("courier_relay", slot))).isPositive();
            }
        }
    }
}
