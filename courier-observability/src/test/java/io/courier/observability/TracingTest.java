package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.NotFoundException;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.test.LogCapture;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spans of both sides over REST and gRPC: their links, their status on failure, a trace that came in from outside. */
class TracingTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk otel;
    private Courier courier;

    @BeforeEach
    void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        CourierTracing tracing = CourierTracing.create(otel);
        courier = Courier.builder().name("traced").transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .clientInterceptor(tracing.clientInterceptor()).serverInterceptor(tracing.serverInterceptor()).build();
        courier.serve(Stock.class, sku -> switch (sku) {
            case "missing" -> throw new NotFoundException("no sku missing");
            case "broken" -> throw new IllegalStateException("bug");
            default -> 3;
        });
    }

    @AfterEach
    void stop() {
        courier.close();
        otel.close();
    }

    @Test
    void clientAndServerSpansAreLinkedOverRestAndGrpc() {
        for (URI target : List.of(courier.uri(), grpcUri())) {
            spans.reset();
            assertThat(courier.client(Stock.class).target(target).build().level("a")).isEqualTo(3);
            SpanData client = one(SpanKind.CLIENT);
            SpanData server = one(SpanKind.SERVER);
            assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
            assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
            assertThat(server.getName()).isEqualTo("stock/level");
            assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        }
    }

    @Test
    void aCallersFaultIsAnErrorOfTheClientOnly() {
        Stock stock = courier.client(Stock.class).target(grpcUri()).build();
        assertThat(catchThrowable(() -> stock.level("missing"))).isInstanceOf(NotFoundException.class);
        assertThat(one(SpanKind.CLIENT).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData server = one(SpanKind.SERVER);
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(server.getAttributes().asMap().toString()).contains("rpc.response.status_code=NOT_FOUND");
        assertThat(server.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    }

    @Test
    void aServerBugIsAnErrorOfBothSides() {
        Stock stock = courier.client(Stock.class).target(courier.uri()).build();
        try (LogCapture log = LogCapture.start()) {
            assertThat(catchThrowable(() -> stock.level("broken"))).isNotNull();
            assertThat(log.lines("ERROR")).singleElement().asString().contains("stock.level failed");
        }
        assertThat(one(SpanKind.CLIENT).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData server = one(SpanKind.SERVER);
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(server.getAttributes().asMap().toString()).contains("rpc.response.status_code=INTERNAL");
    }

    @Test
    void aTraceFromOutsideGoesOn() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(courier.uri().resolve("/stock/a"))
                    .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        SpanData server = one(SpanKind.SERVER);
        assertThat(server.getTraceId()).isEqualTo(traceId);
        assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void baggageGoesAlongAndIsCurrentInTheHandler() {
        AtomicReference<String> seen = new AtomicReference<>();
        try (OpenTelemetrySdk withBaggage = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()))).build()) {
            CourierTracing tracing = CourierTracing.create(withBaggage);
            try (Courier c = Courier.builder().name("baggage").transport(new HttpTransportFactory())
                    .clientInterceptor(tracing.clientInterceptor()).serverInterceptor(tracing.serverInterceptor()).build()) {
                c.serve(Stock.class, sku -> {
                    seen.set(Baggage.current().getEntryValue("tenant"));
                    return 1;
                });
                Stock stock = c.client(Stock.class).target(c.uri()).build();
                try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
                    stock.level("a");
                }
            }
        }
        assertThat(seen.get()).isEqualTo("acme");
    }

    private SpanData one(SpanKind kind) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
        assertThat(found).as(kind.toString()).hasSize(1);
        return found.get(0);
    }

    private URI grpcUri() {
        return courier.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
    }
}
