package io.courier.discovery.failover;

import io.courier.Courier;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.discovery.client.Echo;
import java.nio.file.Path;

/**
 * One instance of the failover test, in its own JVM: serves {@link Echo} over REST, registers
 * in the local backend at {@code args[0]}, prints {@code READY <uri>}, and runs until its
 * standard input closes (or it is killed).
 */
public final class EchoInstance {
    private EchoInstance() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[1];
        try (LocalDiscovery discovery = LocalDiscovery.builder().directory(Path.of(args[0])).build();
             Courier courier = Courier.builder().name(name).discovery(discovery).build()) {
            courier.serve(Echo.class, () -> name);
            System.out.println("READY " + courier.uri());
            System.out.flush();
            while (System.in.read() != -1) {
                // the parent keeps stdin open while this instance should run
            }
        }
    }
}
