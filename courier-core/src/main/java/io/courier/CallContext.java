package io.courier;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * What travels with a call besides its arguments: the {@link Deadline}, the {@link Metadata}
 * (headers) and the caller's identity. Immutable; variants by {@code withX(...)}.
 *
 * <p>On the server, the context of the incoming call is {@linkplain #current() current} while
 * the implementation runs (on its virtual thread). A client call made there inherits the
 * context's deadline, so a downstream call never outlives the call that caused it:
 *
 * <pre>{@code
 * public Order create(NewOrder o) {
 *     Duration left = CallContext.current().deadline().map(Deadline::remaining).orElse(null);
 *     consumers.validate(o.consumerId(), o.total()); // carries what is left of the deadline
 * }
 * }</pre>
 *
 * <p>Work handed to another thread takes the context with {@link #wrap(Runnable)}.
 */
public final class CallContext {
    private static final CallContext EMPTY = new CallContext(null, Metadata.empty(), null, null, null);
    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

    private final Deadline deadline;
    private final Metadata metadata;
    private final String caller;
    private final String transport;
    private final ThreadScope scope;
    private final Principal principal;

    private final MessageSizes sizes;
    private final PeerIdentity peer;
    private final String remoteAddress;

    private CallContext(Deadline deadline, Metadata metadata, String caller, String transport, ThreadScope scope) {
        this(deadline, metadata, caller, transport, scope, null, null, null, null);
    }

    private CallContext(Deadline deadline, Metadata metadata, String caller, String transport, ThreadScope scope,
                        Principal principal, MessageSizes sizes, PeerIdentity peer, String remoteAddress) {
        this.deadline = deadline;
        this.metadata = metadata;
        this.caller = caller;
        this.transport = transport;
        this.scope = scope;
        this.principal = principal;
        this.sizes = sizes;
        this.peer = peer;
        this.remoteAddress = remoteAddress;
    }

    /**
     * What a thread takes on while a context is current, beside the context itself: log MDC
     * entries, a tracing library's current span. A server interceptor adds one with
     * {@link #withThreadScope}; the thread that runs the handler (a virtual thread, not the
     * interceptor's) enters it when the context becomes current there and leaves it after.
     *
     * <pre>{@code
     * ThreadScope mdc = () -> {
     *     MDC.put("method", name);
     *     return () -> MDC.remove("method");
     * };
     * next.proceed(call.withContext(call.context().withThreadScope(mdc)));
     * }</pre>
     */
    @FunctionalInterface
    public interface ThreadScope {
        /** Enters the scope on the calling thread; returns what leaves it, run on the same thread. */
        Runnable enter();
    }

    /** The empty context: no deadline, no metadata, no caller. */
    public static CallContext empty() {
        return EMPTY;
    }

    /** The context of the call being handled on this thread, or the empty one. */
    public static CallContext current() {
        CallContext c = CURRENT.get();
        return c == null ? EMPTY : c;
    }

    /** The deadline, if the call has one. */
    public Optional<Deadline> deadline() {
        return Optional.ofNullable(deadline);
    }

    /** The call's headers. */
    public Metadata metadata() {
        return metadata;
    }

    /** The calling service's name as it announced itself, if known (not authenticated). */
    public Optional<String> caller() {
        return Optional.ofNullable(caller);
    }

    /**
     * On the server, the name of the transport that carried the call in: {@code http} (REST),
     * {@code grpc}, {@code broker} (a message) or {@code inproc}; empty on the client and where
     * a transport does not say. For interceptors that label what they record, such as metrics.
     */
    public Optional<String> transport() {
        return Optional.ofNullable(transport);
    }

    /**
     * On the server, who made the call, once an authenticating interceptor (courier-security)
     * has verified its credentials; empty before that, for an unauthenticated call, and on the
     * client. Unlike {@link #caller()}, this is verified.
     */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    /** A copy whose caller is the verified {@code principal} (null for none). */
    public CallContext withPrincipal(Principal principal) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal, sizes, peer, remoteAddress);
    }

    /** Where the transport reports the sizes of this call's messages, if it was given one. */
    public Optional<MessageSizes> sizes() {
        return Optional.ofNullable(sizes);
    }

    /** A copy carrying {@code sizes}, for the transport to report into ({@link MessageSizes}). */
    public CallContext withSizes(MessageSizes sizes) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal,
                Objects.requireNonNull(sizes, "sizes"), peer, remoteAddress);
    }

    /**
     * On the server, the client's identity from the certificate it presented over mutual TLS
     * ({@link Tls.ClientAuth}); empty without TLS, without a client certificate and on the client.
     */
    public Optional<PeerIdentity> peer() {
        return Optional.ofNullable(peer);
    }

    /** A copy naming {@code peer} as the verified client (null for none). */
    public CallContext withPeer(PeerIdentity peer) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal, sizes, peer, remoteAddress);
    }

    /**
     * On the server, the IP address of the connection the call came in on, as text
     * ({@code 192.0.2.7}, {@code 2001:db8::7}): the TCP peer, so a proxy's or load balancer's
     * address when the server sits behind one. Empty for calls that came over no connection
     * (in process, from a broker) and on the client. Not verified beyond TCP: it names a
     * network location, not a caller.
     */
    public Optional<String> remoteAddress() {
        return Optional.ofNullable(remoteAddress);
    }

    /** A copy naming {@code remoteAddress} as the connection's peer (null for none). */
    public CallContext withRemoteAddress(String remoteAddress) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal, sizes, peer, remoteAddress);
    }

    /** A copy naming {@code transport} as the one that carried the call in (null for unknown). */
    public CallContext withTransport(String transport) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal, sizes, peer, remoteAddress);
    }

    /**
     * A copy whose threads also enter {@code scope} while it is current ({@link ThreadScope}):
     * after the scopes added before, and left before them. Client calls made from there start
     * from a fresh context, so a scope does not travel downstream.
     */
    public CallContext withThreadScope(ThreadScope scope) {
        Objects.requireNonNull(scope, "scope");
        ThreadScope outer = this.scope;
        ThreadScope both = outer == null ? scope : () -> {
            Runnable leaveOuter = outer.enter();
            Runnable leaveInner;
            try {
                leaveInner = scope.enter();
            } catch (RuntimeException | Error e) {
                leaveOuter.run();
                throw e;
            }
            return () -> {
                try {
                    leaveInner.run();
                } finally {
                    leaveOuter.run();
                }
            };
        };
        return new CallContext(deadline, metadata, caller, transport, both, principal, sizes, peer, remoteAddress);
    }

    /** A copy with {@code deadline} (null for none). */
    public CallContext withDeadline(Deadline deadline) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal, sizes, peer, remoteAddress);
    }

    /** A copy with the earlier of the current deadline and {@code deadline}. */
    public CallContext withEarlierDeadline(Deadline deadline) {
        if (deadline == null) {
            return this;
        }
        return withDeadline(deadline.min(this.deadline));
    }

    /** A copy with {@code metadata}. */
    public CallContext withMetadata(Metadata metadata) {
        return new CallContext(deadline, Objects.requireNonNull(metadata, "metadata"), caller, transport, scope,
                principal, sizes, peer, remoteAddress);
    }

    /** A copy with {@code caller} (null for unknown). */
    public CallContext withCaller(String caller) {
        return new CallContext(deadline, metadata, caller, transport, scope, principal, sizes, peer, remoteAddress);
    }

    /** Runs {@code action} with this context current, restoring the previous one after. */
    public void run(Runnable action) {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        Runnable leave = null;
        try {
            leave = scope == null ? null : scope.enter();
            action.run();
        } finally {
            leave(leave, previous);
        }
    }

    /** Computes {@code action} with this context current, restoring the previous one after. */
    public <T> T supply(Supplier<T> action) {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        Runnable leave = null;
        try {
            leave = scope == null ? null : scope.enter();
            return action.get();
        } finally {
            leave(leave, previous);
        }
    }

    /** Calls {@code action} with this context current, restoring the previous one after. */
    public <T> T call(Callable<T> action) throws Exception {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        Runnable leave = null;
        try {
            leave = scope == null ? null : scope.enter();
            return action.call();
        } finally {
            leave(leave, previous);
        }
    }

    /** {@code action} bound to the context current now, for running on another thread. */
    public static Runnable wrap(Runnable action) {
        CallContext captured = current();
        return () -> captured.run(action);
    }

    private static void leave(Runnable leave, CallContext previous) {
        try {
            if (leave != null) {
                leave.run();
            }
        } finally {
            restore(previous);
        }
    }

    private static void restore(CallContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    @Override
    public String toString() {
        return "CallContext[deadline=" + deadline + ", caller=" + caller
                + (transport == null ? "" : ", transport=" + transport) + ", metadata=" + metadata + "]";
    }
}
