package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.observability.CourierTracing;
import io.courier.test.Await;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace through the machine's RabbitMQ, as through Kafka: an event published under the
 * application's span travels with its W3C {@code traceparent} in the AMQP headers, and the
 * subscriber's consumer span is a child of the producer span, itself a child of the
 * application's, all in one trace; the handler runs under the consumer span.
 */
class TraceTest {
    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    /** The event. */
    public record Shipped(String order) {
    }

    @Test
    void theHandlersSpanIsAChildOfThePublishersOverAmqpHeaders() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        RabbitConfig config = rabbit.config().build();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build()) {
            CourierTracing tracing = CourierTracing.create(otel);
            List<String> handledIn = new CopyOnWriteArrayList<>();
            try (Messaging orders = Messaging.builder().name("orders").broker(rabbit.broker(config))
                         .codec(JsonCodec.create()).clientInterceptor(tracing.clientInterceptor()).build();
                 Messaging shipping = Messaging.builder().name("shipping").broker(rabbit.broker(config))
                         .codec(JsonCodec.create()).serverInterceptor(tracing.serverInterceptor()).build();
                 Connection plain = LocalRabbit.plainConnection();
                 Channel channel = plain.createChannel()) {
                shipping.subscribe(Shipped.class, "shipping",
                        e -> handledIn.add(Span.current().getSpanContext().getSpanId()));
                // A plain AMQP queue on the channel's exchange, to read the message as RabbitMQ carries it.
                String tap = channel.queueDeclare().getQueue();
                channel.queueBind(tap, config.namespace() + "Shipped", "#");

                Span business = otel.getTracer("orders-app").spanBuilder("place order").startSpan();
                try (Scope ignored = business.makeCurrent()) {
                    orders.publish(new Shipped("o-1"), "o-1");
                } finally {
                    business.end();
                }
                Await.until(Duration.ofSeconds(30), "the event handled", () -> handledIn.size() == 1);
                Await.until(Duration.ofSeconds(10), "the consumer span ended",
                        () -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getKind() == SpanKind.CONSUMER));

                List<SpanData> all = spans.getFinishedSpanItems();
                SpanData root = one(all, "place order");
                SpanData producer = one(all, "Shipped/publish");
                SpanData consumer = one(all, "Shipped/handle");
                assertThat(producer.getKind()).isEqualTo(SpanKind.PRODUCER);
                assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
                assertThat(List.of(producer.getTraceId(), consumer.getTraceId())).as("one trace")
                        .containsOnly(root.getTraceId());
                assertThat(producer.getParentSpanId()).as("the producer's parent").isEqualTo(root.getSpanId());
                assertThat(consumer.getParentSpanId()).as("the consumer's parent").isEqualTo(producer.getSpanId());
                assertThat(handledIn).as("the handler ran under the consumer span").containsExactly(consumer.getSpanId());

                AtomicReference<GetResponse> tapped = new AtomicReference<>();
                Await.until(Duration.ofSeconds(10), "the message in the tap queue", () -> {
                    try {
                        tapped.set(channel.basicGet(tap, true));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return tapped.get() != null;
                });
                GetResponse carried = tapped.get();
                assertThat(String.valueOf(carried.getProps().getHeaders().get("traceparent")))
                        .as("the AMQP header").isEqualTo("00-" + producer.getTraceId() + "-" + producer.getSpanId() + "-"
                                + producer.getSpanContext().getTraceFlags().asHex());
            }
        }
    }

    private static SpanData one(List<SpanData> all, String name) {
        List<SpanData> named = all.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named %s among %s", name, all.stream().map(SpanData::getName).toList()).hasSize(1);
        return named.get(0);
    }
}
