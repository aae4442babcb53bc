package io.courier.bench.load;

import io.courier.annotation.NonBlocking;

/** The echo declared {@code @NonBlocking}: Courier calls it on the event loop, with no thread hop. */
@NonBlocking
public final class NonBlockingEcho implements Echo {
    @Override
    public Payload echo(Payload payload) {
        return payload;
    }
}
