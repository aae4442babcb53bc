package io.courier.inprocess;

import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;

/**
 * The in-process transport: calls between {@code Courier} instances of one JVM, with no
 * sockets, for users' unit tests. Every {@code Courier} has it; a server is reached at the
 * {@code inproc:} URI listed by {@code Courier.uris()}. Arguments and results still go
 * through the default codec, so a test catches what would not survive the wire.
 */
public final class InProcessTransportFactory implements TransportFactory {
    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public Transport create(TransportContext context) {
        return new InProcessTransport(context);
    }
}
