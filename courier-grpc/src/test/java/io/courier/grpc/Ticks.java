package io.courier.grpc;

import io.courier.annotation.Service;
import java.util.stream.Stream;

/**
 * A contract of every stream shape, served by {@link StreamingTest} and the reflection test.
 * Public, with its record, as the dispatcher invokes the contract by reflection.
 */
@Service("ticks")
public interface Ticks {
    /** One tick. */
    record Tick(long n, String label) {
    }

    Stream<Tick> count(Tick upTo);

    Stream<Tick> forever(Tick start);

    Tick sum(Stream<Tick> ticks);

    Stream<Tick> doubled(Stream<Tick> ticks);
}
