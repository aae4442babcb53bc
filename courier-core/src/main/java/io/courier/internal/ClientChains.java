package io.courier.internal;

import io.courier.Interceptor;
import io.courier.Ticker;
import io.courier.discovery.EndpointHealth;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.ServiceView;
import io.courier.spi.ClientTransport;
import io.courier.spi.Transport;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles the chain of every client of one {@code Courier}, outermost first:
 * <pre>
 * Courier-wide interceptors -&gt; the client's own -&gt; [pick endpoint] -&gt; per-endpoint ones
 *   -&gt; per-attempt deadline -&gt; the transport of the target's scheme
 * </pre>
 * The steps after the pick (or, with a fixed target, the client's endpoint interceptors on) run
 * once per attempt ({@link InterceptorChain}'s checks).
 */
public final class ClientChains {
    private final List<Interceptor> courierWide;
    private final Interceptor deadlines;
    private final Ticker ticker;

    public ClientChains(List<Interceptor> courierWide, Interceptor deadlines, Ticker ticker) {
        this.courierWide = List.copyOf(courierWide);
        this.deadlines = deadlines;
        this.ticker = ticker;
    }

    /** The chain of a client with a fixed target, on {@code transport}. */
    public InterceptorChain fixed(ClientTransport transport, List<Interceptor> perClient, List<Interceptor> perEndpoint) {
        List<Interceptor> all = new ArrayList<>(courierWide);
        all.addAll(perClient);
        int perAttemptFrom = all.size();
        all.addAll(perEndpoint);
        all.add(deadlines);
        return new InterceptorChain(all, perAttemptFrom, transport::call);
    }

    /**
     * The chain of a client whose target is {@code discovery:service}: the pick runs inside the
     * client's interceptors (so a retry picks again), before the per-endpoint ones; each attempt
     * goes to the transport of the picked endpoint's scheme, among {@code bySchema}.
     */
    public InterceptorChain discovery(URI target, ServiceView view, LoadBalancer balancer, EndpointHealth health,
                                      Map<String, Transport> bySchema, List<Interceptor> perClient,
                                      List<Interceptor> perEndpoint) {
        Map<String, Transport> transports = Map.copyOf(bySchema);
        Set<String> schemes = transports.keySet();
        List<Interceptor> all = new ArrayList<>(courierWide);
        all.addAll(perClient);
        all.add(new PickEndpoint(view, balancer, health, schemes, PickEndpoint.schemes(target), ticker));
        int perAttemptFrom = all.size();
        all.addAll(perEndpoint);
        all.add(deadlines);
        return new InterceptorChain(all, perAttemptFrom, call -> {
            Transport transport = transports.get(call.target().getScheme());
            if (transport == null) { // an interceptor sent the call somewhere no transport goes
                throw new IllegalArgumentException("target: " + call.target() + " (expected: one of the schemes "
                        + schemes + ")");
            }
            return transport.client().call(call);
        });
    }
}
