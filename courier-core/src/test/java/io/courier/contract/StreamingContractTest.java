package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.annotation.Header;
import io.courier.annotation.OneWay;
import io.courier.annotation.Service;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StreamingContractTest {
    record Tick(long n) {
    }

    @Service
    interface Ticks {
        Tick one(long n);

        Stream<Tick> count(@io.courier.annotation.Query("upTo") long upTo, String label);

        long sum(Stream<Tick> ticks);

        Stream<Tick> doubled(Stream<Tick> ticks);
    }

    @Test
    void streamResultsAndParametersSetTheStreamingKind() {
        ServiceDescriptor service = ServiceDescriptor.of(Ticks.class);

        assertThat(service.method("one").orElseThrow().streaming()).isEqualTo(MethodDescriptor.Streaming.NONE);
        MethodDescriptor count = service.method("count").orElseThrow();
        assertThat(count.streaming()).isEqualTo(MethodDescriptor.Streaming.SERVER);
        assertThat(count.resultType()).as("one response's type").isEqualTo(Tick.class);
        assertThat(count.requestStreamType()).isEmpty();
        MethodDescriptor sum = service.method("sum").orElseThrow();
        assertThat(sum.streaming()).isEqualTo(MethodDescriptor.Streaming.CLIENT);
        assertThat(sum.requestStreamType()).contains(Tick.class);
        assertThat(sum.body()).map(ParameterDescriptor::kind).contains(ParameterDescriptor.Kind.BODY);
        MethodDescriptor doubled = service.method("doubled").orElseThrow();
        assertThat(doubled.streaming()).isEqualTo(MethodDescriptor.Streaming.BIDI);
        assertThat(doubled.streaming().requests()).isTrue();
        assertThat(doubled.streaming().responses()).isTrue();
        assertThat(doubled.resultType()).isEqualTo(Tick.class);
    }

    @Service
    interface StreamAmongOthers {
        long sum(Stream<Tick> ticks, String label);
    }

    @Service
    interface StreamInHeader {
        long sum(@Header("x-ticks") Stream<Tick> ticks);
    }

    @Service
    interface RawStream {
        @SuppressWarnings("rawtypes")
        Stream all();
    }

    @Service
    interface StreamOfObjects {
        Stream<Object> all();
    }

    @Service
    interface FutureOfStream {
        CompletableFuture<Stream<Tick>> all();
    }

    @Service
    interface OneWayStream {
        @OneWay
        void push(Stream<Tick> ticks);
    }

    @Service
    interface StreamOfStreams {
        Stream<Stream<Tick>> all();
    }

    @Test
    void invalidStreamMethodsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> ServiceDescriptor.of(StreamAmongOthers.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("StreamAmongOthers.sum")
                .hasMessageContaining("only parameter");
        assertThatThrownBy(() -> ServiceDescriptor.of(StreamInHeader.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("unannotated Stream");
        assertThatThrownBy(() -> ServiceDescriptor.of(RawStream.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("raw Stream");
        assertThatThrownBy(() -> ServiceDescriptor.of(StreamOfObjects.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> ServiceDescriptor.of(FutureOfStream.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("FutureOfStream.all");
        assertThatThrownBy(() -> ServiceDescriptor.of(OneWayStream.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("@OneWay");
        assertThatThrownBy(() -> ServiceDescriptor.of(StreamOfStreams.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("Stream of Streams");
    }

    @Test
    void ordinaryCollectionsStayOrdinary() {
        @Service
        interface Lists {
            List<Tick> all(List<Tick> ticks);
        }
        assertThat(ServiceDescriptor.of(Lists.class).method("all").orElseThrow().streaming())
                .isEqualTo(MethodDescriptor.Streaming.NONE);
    }
}
