package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.observability.CourierTracing;
import io.courier.test.Await;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One REST request to the order service makes one trace: the REST call, the gRPC call to the
 * consumer service, the REST call to accounting, the command to the kitchen and its reply, the
 * scatter to the couriers, and the event handled in two subscriber groups, each span the child
 * of the span that caused it, across every hop: on the in-memory broker and on an embedded Kafka,
 * where the trace context crosses as record headers.
 */
class TraceTest {
    private static final String ORDER = """
            {"consumerId":1,"restaurant":"Ajanta","items":[{"dish":"naan","quantity":2,\
            "price":{"amount":2.25,"currency":"EUR"}}]}""";

    @ParameterizedTest
    @ValueSource(strings = {"memory", "kafka"})
    void oneRequestIsOneTraceAcrossRestGrpcAndMessages(String brokerSpec) throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build()) {
            CourierTracing tracing = CourierTracing.create(otel);
            try (DemoBroker broker = DemoBroker.open(brokerSpec);
                 DemoSystem system = DemoSystem.start(0, broker.broker(), List.of(tracing.clientInterceptor()),
                         List.of(tracing.serverInterceptor()));
                 HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(system.orderService().resolve("/orders"))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                // Events and one-way commands are handled after the answer: wait for their spans.
                Await.until(Duration.ofSeconds(60), "the handling of OrderCreated in two groups and of the notice",
                        () -> named(spans.getFinishedSpanItems(), SpanKind.CONSUMER, "/handle").size() == 2
                                && named(spans.getFinishedSpanItems(), SpanKind.CONSUMER, "notification/send").size() == 1,
                        () -> describe(spans.getFinishedSpanItems()));
            }
            List<SpanData> all = spans.getFinishedSpanItems();
            assertThat(all.stream().map(SpanData::getTraceId).distinct()).as(describe(all)).hasSize(1);

            SpanData root = one(all, SpanKind.SERVER, "order/create");
            assertThat(root.getParentSpanContext().isValid()).isFalse();
            assertThat(root.getAttributes().asMap().toString()).contains("rpc.system=rest");

            SpanData validate = childOf(all, root, SpanKind.CLIENT, "consumer/validateOrder");
            SpanData validated = childOf(all, validate, SpanKind.SERVER, "consumer/validateOrder");
            assertThat(validated.getAttributes().asMap().toString()).contains("rpc.system=grpc");

            SpanData authorize = childOf(all, root, SpanKind.CLIENT, "accounting/authorize");
            childOf(all, authorize, SpanKind.SERVER, "accounting/authorize");

            SpanData ticket = childOf(all, root, SpanKind.PRODUCER, "kitchen/createTicket");
            SpanData cooked = childOf(all, ticket, SpanKind.CONSUMER, "kitchen/createTicket");
            // The command's span ends with its reply, after the kitchen handled it.
            assertThat(ticket.getEndEpochNanos()).isGreaterThanOrEqualTo(cooked.getEndEpochNanos());

            SpanData scatter = childOf(all, root, SpanKind.PRODUCER, "/scatter");
            assertThat(named(all, SpanKind.CONSUMER, "/respond")).hasSize(3)
                    .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(scatter.getSpanId()));

            SpanData published = childOf(all, root, SpanKind.PRODUCER, "/publish");
            assertThat(named(all, SpanKind.CONSUMER, "/handle")).hasSize(2)
                    .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(published.getSpanId()));

            SpanData notice = childOf(all, root, SpanKind.PRODUCER, "notification/send");
            childOf(all, notice, SpanKind.CONSUMER, "notification/send");
            assertThat(all.stream().map(s -> s.getKind() + " " + s.getName()).toList()).as(describe(all)).hasSize(16);
        }
    }

    private static SpanData childOf(List<SpanData> all, SpanData parent, SpanKind kind, String name) {
        SpanData s = one(all, kind, name);
        assertThat(s.getParentSpanId()).as(s.getName() + " " + kind + " is a child of " + parent.getName() + " "
                + parent.getKind() + "\n" + describe(all)).isEqualTo(parent.getSpanId());
        return s;
    }

    private static SpanData one(List<SpanData> all, SpanKind kind, String name) {
        List<SpanData> found = named(all, kind, name);
        assertThat(found).as(kind + " " + name + " in\n" + describe(all)).hasSize(1);
        return found.get(0);
    }

    /** Spans of {@code kind} whose name is {@code name}, or ends with it when it starts with a slash. */
    private static List<SpanData> named(List<SpanData> all, SpanKind kind, String name) {
        return all.stream().filter(s -> s.getKind() == kind)
                .filter(s -> name.startsWith("/") ? s.getName().endsWith(name) : s.getName().equals(name)).toList();
    }

    private static String describe(List<SpanData> all) {
        return all.stream().map(s -> s.getKind() + " " + s.getName() + " " + s.getSpanId() + " <- " + s.getParentSpanId())
                .collect(Collectors.joining("\n"));
    }
}
