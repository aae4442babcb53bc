package io.courier.inprocess;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.UnavailableException;
import io.courier.UnimplementedException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.Errors;
import io.courier.spi.ClientTransport;
import io.courier.spi.Codec;
import io.courier.spi.ServerDispatcher;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Calls within one JVM: a static table of servers by name, and value copies through the codec. */
final class InProcessTransport implements Transport, ClientTransport, ServerTransport {
    private static final Map<String, InProcessTransport> SERVERS = new ConcurrentHashMap<>();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TransportContext context;
    private final String serverName;
    private final Map<String, ServiceDescriptor> services = new ConcurrentHashMap<>();
    private volatile ServerDispatcher dispatcher;
    private volatile boolean stopped;

    InProcessTransport(TransportContext context) {
        this.context = context;
        this.serverName = context.name() + "-" + SEQUENCE.incrementAndGet();
    }

    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("inproc");
    }

    @Override
    public ClientTransport client() {
        return this;
    }

    @Override
    public Optional<ServerTransport> server() {
        return Optional.of(this);
    }

    @Override
    public void start(ServerDispatcher dispatcher) {
        this.dispatcher = dispatcher;
        SERVERS.put(serverName, this);
    }

    @Override
    public void register(ServiceDescriptor service) {
        services.put(service.name(), service);
    }

    @Override
    public InetSocketAddress localAddress() {
        return null;
    }

    @Override
    public URI uri() {
        return URI.create("inproc:" + serverName);
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        stopped = true;
        SERVERS.remove(serverName, this);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    @Override
    public CompletableFuture<Object> call(Call call) {
        InProcessTransport server = SERVERS.get(call.target().getSchemeSpecificPart());
        if (server == null || server.stopped) {
            return CompletableFuture.failedFuture(new UnavailableException("no in-process server at " + call.target()
                    + " (it was closed, or never served anything)"));
        }
        return server.handle(call, context.codecs().defaultCodec().orElse(null));
    }

    private CompletableFuture<Object> handle(Call call, Codec codec) {
        MethodDescriptor method = call.method();
        if (!services.containsKey(call.service().name())) {
            return CompletableFuture.failedFuture(new UnimplementedException("service " + call.service().name()
                    + " is not served at " + uri()));
        }
        Object[] args;
        try {
            args = new Object[call.args().size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = copy(codec, call.args().get(i), method.parameters().get(i).type());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        var context = call.context().withTransport("inproc");
        // A one-way call's future completes once the call is taken (its handler started).
        CompletableFuture<Object> served = dispatcher.dispatch(call.service(), method, args, context);
        CompletableFuture<Object> out = new CompletableFuture<>();
        served.whenComplete((value, failure) -> {
            if (failure != null) {
                out.completeExceptionally(asReceived(Errors.fromServer(failure, method)));
                return;
            }
            try {
                out.complete(method.returnsVoid() ? null : copy(codec, value, method.resultType()));
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        out.whenComplete((v, f) -> {
            if (out.isCancelled()) {
                served.cancel(true);
            }
        });
        return out;
    }

    /** A fresh exception as a remote client would rebuild it: same type, status, message, details. */
    private static CourierException asReceived(CourierException e) {
        return CourierException.of(e.status(), e.getMessage(), e.details(), e.retrySafe());
    }

    private static Object copy(Codec codec, Object value, Type type) {
        if (codec == null || value == null) {
            return value;
        }
        return codec.decode(codec.encode(value, type), type);
    }
}
