package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxRelay;
import io.courier.outbox.OutboxSchema;
import io.courier.outbox.testing.TestPostgres;
import io.courier.test.Await;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A trace continues through the outbox row: the event is published inside the business
 * transaction (under the application's span), written as a row, sent later by the relay on its
 * own thread, and handled by another service, whose consumer span is a child of the producer
 * span, itself a child of the business span, all in one trace. On the machine's PostgreSQL.
 */
class OutboxTraceTest {
    /** The event. */
    public record Shipped(String order) {
    }

    @Test
    void theHandlersSpanDescendsFromTheBusinessTransaction() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
             TestPostgres.Database db = TestPostgres.shared().createDatabase("obstrace");
             InMemoryBroker broker = InMemoryBroker.create()) {
            OutboxSchema.create(db.dataSource());
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).build();
            CourierTracing tracing = CourierTracing.create(otel);
            List<String> handledIn = new CopyOnWriteArrayList<>();
            try (Messaging orders = Messaging.builder().name("orders").broker(outbox.broker(broker))
                         .codec(JsonCodec.create()).clientInterceptor(tracing.clientInterceptor()).build();
                 Messaging shipping = Messaging.builder().name("shipping").broker(broker).codec(JsonCodec.create())
                         .serverInterceptor(tracing.serverInterceptor()).build()) {
                shipping.subscribe(Shipped.class, "shipping",
                        e -> handledIn.add(Span.current().getSpanContext().getSpanId()));

                Tracer tracer = otel.getTracer("orders-app");
                Span business = tracer.spanBuilder("place order").startSpan();
                try (Scope ignored = business.makeCurrent();
                     Connection c = db.dataSource().getConnection()) {
                    c.setAutoCommit(false);
                    outbox.inTransaction(c, () -> orders.publish(new Shipped("o-1"), "o-1"));
                    c.commit();
                } finally {
                    business.end();
                }
                assertThat(handledIn).as("nothing sent before the relay runs").isEmpty();

                OutboxRelay relay = outbox.relay(broker).minPollInterval(Duration.ofMillis(1))
                        .maxPollInterval(Duration.ofMillis(20)).build();
                relay.start();
                try (relay) {
                    Await.until(Duration.ofSeconds(20), "the event handled", () -> handledIn.size() == 1);
                }
                Await.until(Duration.ofSeconds(5), "the consumer span ended",
                        () -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getKind() == SpanKind.CONSUMER));

                List<SpanData> all = spans.getFinishedSpanItems();
                SpanData root = one(all, "place order");
                SpanData producer = one(all, "Shipped/publish");
                SpanData consumer = one(all, "Shipped/handle");
                assertThat(producer.getKind()).isEqualTo(SpanKind.PRODUCER);
                assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
                assertThat(List.of(producer.getTraceId(), consumer.getTraceId()))
                        .as("one trace").containsOnly(root.getTraceId());
                assertThat(producer.getParentSpanId()).as("the producer's parent").isEqualTo(root.getSpanId());
                assertThat(consumer.getParentSpanId()).as("the consumer's parent").isEqualTo(producer.getSpanId());
                assertThat(handledIn).as("the handler ran under the consumer span").containsExactly(consumer.getSpanId());
            }
        }
    }

    private static SpanData one(List<SpanData> all, String name) {
        List<SpanData> named = all.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named %s among %s", name, all.stream().map(SpanData::getName).toList()).hasSize(1);
        return named.get(0);
    }
}
