package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.test.LogCapture;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/** The handler's thread has the trace, span, service and method in its MDC and the server span current; one access line per call. */
class LoggingTest {
    @Test
    void handlerThreadCarriesTheCallInItsMdcAndTheAccessLogHasOneLine() throws Exception {
        // slf4j-simple, the tests' binding, keeps no MDC (a NOP adapter): give SLF4J a real one,
        // as Logback or Log4j 2 would.
        Method set = MDC.class.getDeclaredMethod("setMDCAdapter", MDCAdapter.class);
        set.setAccessible(true);
        MDCAdapter original = MDC.getMDCAdapter();
        set.invoke(null, new BasicMDCAdapter());
        try {
            run();
        } finally {
            set.invoke(null, original);
        }
    }

    private static void run() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        AtomicReference<Map<String, String>> mdc = new AtomicReference<>();
        AtomicReference<String> currentSpan = new AtomicReference<>();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
             LogCapture log = LogCapture.start()) {
            CourierTracing tracing = CourierTracing.create(otel);
            try (Courier c = Courier.builder().name("logged").transport(new HttpTransportFactory())
                    .transport(new GrpcTransportFactory()).clientInterceptor(tracing.clientInterceptor())
                    .serverInterceptor(tracing.serverInterceptor()).serverInterceptor(CourierLogging.mdcAndAccessLog())
                    .build()) {
                c.serve(Stock.class, sku -> {
                    mdc.set(MDC.getCopyOfContextMap());
                    currentSpan.set(Span.current().getSpanContext().getSpanId());
                    return 5;
                });
                Stock stock = c.client(Stock.class).target(c.uris().stream().filter(u -> u.getScheme().equals("grpc"))
                        .findFirst().orElseThrow()).build();
                assertThat(stock.level("x")).isEqualTo(5);
            }
            SpanData server = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER)
                    .findFirst().orElseThrow();
            assertThat(mdc.get()).containsEntry("trace_id", server.getTraceId()).containsEntry("span_id", server.getSpanId())
                    .containsEntry("rpc.service", "stock").containsEntry("rpc.method", "level");
            assertThat(currentSpan.get()).isEqualTo(server.getSpanId());
            assertThat(log.lines("INFO")).as(log.toString()).singleElement().satisfies(line -> assertThat(line)
                    .contains("io.courier.access - grpc stock/level OK ").contains("trace=" + server.getTraceId()));
        }
    }
}
