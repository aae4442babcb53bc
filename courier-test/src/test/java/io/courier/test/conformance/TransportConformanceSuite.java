package io.courier.test.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import io.courier.ClientBuilder;
import io.courier.Courier;
import io.courier.CourierException;
import io.courier.DeadlineExceededException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.NotFoundException;
import io.courier.Status;
import io.courier.UnavailableException;
import io.courier.contract.HttpMethod;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.test.LogCapture;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The tests every Courier transport must pass: each return shape, parameter binding and HTTP
 * method, every error status, deadlines, call context, concurrency, large payloads and unicode,
 * all through one {@link ConformanceService} served by a real {@link Courier} and called by
 * another one, as in production.
 *
 * <h2>How to run it for a transport</h2>
 *
 * Extend it in the transport module's tests and say where a client reaches the server; nothing
 * else is required:
 *
 * <pre>{@code
 * class HttpConformanceTest extends TransportConformanceSuite {      // HTTP/1.1
 *     @Override
 *     protected URI target(Courier server) {
 *         return server.uri();
 *     }
 * }
 *
 * class H2cConformanceTest extends TransportConformanceSuite {       // HTTP/2 cleartext
 *     @Override
 *     protected URI target(Courier server) {
 *         return withScheme(server.uri(), "h2c");
 *     }
 * }
 *
 * class InProcessConformanceTest extends TransportConformanceSuite { // no sockets
 *     @Override
 *     protected URI target(Courier server) {
 *         return inProcessUri(server);
 *     }
 * }
 * }</pre>
 *
 * <p>The module needs {@code courier-test} and {@code junit-jupiter} (for the engine) as test
 * dependencies, its transport found by {@link java.util.ServiceLoader} (or given in
 * {@link #configure(Courier.Builder)}), and a codec for the wire, usually {@code courier-json}
 * on the test class path. Without any codec the in-process transport passes values by
 * reference, which the suite also accepts.
 *
 * <h2>What it sets up</h2>
 *
 * Once per test class ({@link TestInstance.Lifecycle#PER_CLASS}): a server {@code Courier}
 * named {@code conformance-server} serving {@link ConformanceServer} on 127.0.0.1 with an
 * ephemeral port, and a separate client {@code Courier} named {@code conformance-client} whose
 * client has a 10 s deadline and the header {@code x-tenant: acme}. Both builders go through
 * {@link #configure(Courier.Builder)} first. A few tests start and close a server of their own.
 * Each test is limited to 30 s, so a hang fails one test instead of the build; the whole suite
 * takes a few seconds.
 *
 * <h2>What a transport must do to pass</h2>
 *
 * <ul>
 *   <li>Return shapes: a result, {@code void} (returning only once the handler ran),
 *       {@code CompletableFuture<T>} and {@code CompletableFuture<Void>}, and {@code @OneWay}
 *       (returning before the handler finishes; the handler still runs).</li>
 *   <li>Bindings: {@code @Path} values of any text, including {@code / % + ? # ;} and unicode, as
 *       one segment; {@code @Query} single, {@code Optional}, repeated ({@code List}) and absent
 *       values, the empty string kept apart from absent; {@code @Header}; a record body; no
 *       parameters; the default route {@code POST /conformance/<method>}; GET, POST, PUT, PATCH
 *       and DELETE.</li>
 *   <li>Errors: every {@link Status} but {@code OK}, thrown by the server (directly or through a
 *       future), reaches the caller as the subclass {@link CourierException#of} gives, with the
 *       same status, message and details; an unexpected exception arrives as
 *       {@link InternalException} that reveals nothing of it, an {@link IllegalArgumentException}
 *       or a {@link NullPointerException} of the handler's own code included (a server bug,
 *       logged on the server with its stack trace, never the caller's fault).</li>
 *   <li>The null rule: a client refuses {@code null} for a required argument or record component
 *       before sending; a server refuses a record missing a required component with
 *       {@link InvalidArgumentException} naming its path, and answers the next call;
 *       {@code @Nullable} and {@code Optional} components may be absent, absent lists read as
 *       empty.</li>
 *   <li>Deadlines and context: a call whose deadline passes fails fast with
 *       {@link DeadlineExceededException} and the server-side handler is interrupted; the server
 *       sees the deadline, the caller's name and the client's headers in
 *       {@link io.courier.CallContext#current()}.</li>
 *   <li>Load: 500 calls in flight from one client and 200 virtual threads calling at once; an
 *       8 MiB string and 20,000 records each way; unicode in bodies, paths and queries (header
 *       values are ASCII by HTTP's rules, so only ASCII is sent there).</li>
 *   <li>Lifecycle: calls to a closed server fail with {@link UnavailableException} that is
 *       {@linkplain CourierException#retrySafe() retry-safe}; default methods of the contract
 *       run in the caller.</li>
 * </ul>
 *
 * <p>The tests are {@code final}: a transport that cannot pass one should change the suite in
 * the open (and say why) rather than skip it quietly. Nothing sleeps to wait: effects are
 * polled for with a deadline. Subclasses may add transport-specific tests using
 * {@link #server()}, {@link #client()} and {@link #implementation()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceSuite {
    /** The main client's deadline: generous, so that only a hang or a lost reply fails a test. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    private static final String CLIENT_NAME = "conformance-client";
    private static final String UNICODE = "emoji 😀🎉👍🏽, CJK 東京 漢字 한국어, RTL שלום مرحبا, é ß ∑ 𝄞";

    private Courier server;
    private Courier clients;
    private ConformanceServer implementation;
    private ConformanceService client;

    /**
     * Where a client reaches {@code server}, which already serves the contract: for example
     * {@code server.uri()} for HTTP/1.1, {@code withScheme(server.uri(), "h2c")} for HTTP/2
     * cleartext, {@code inProcessUri(server)} for the in-process transport.
     */
    protected abstract URI target(Courier server);

    /**
     * Adjusts both the server's and the client's {@code Courier} builder, e.g. to register a
     * transport or codec in code. The default changes nothing.
     */
    protected Courier.Builder configure(Courier.Builder builder) {
        return builder;
    }

    /**
     * The format the suite's clients send and ask for ({@code ClientBuilder.format}), e.g.
     * {@code application/xml}; null (the default) leaves the client's own, JSON over REST. A
     * REST transport runs the suite once per format its codecs speak.
     */
    protected String format() {
        return null;
    }

    /** The {@code inproc:} URI among {@code server.uris()}. */
    protected static URI inProcessUri(Courier server) {
        return server.uris().stream().filter(u -> "inproc".equals(u.getScheme())).findFirst()
                .orElseThrow(() -> new IllegalStateException("server: no inproc URI in " + server.uris()
                        + " (expected: a Courier that serves something)"));
    }

    /** {@code uri} with another scheme, e.g. {@code http://127.0.0.1:8080} to {@code h2c://127.0.0.1:8080}. */
    protected static URI withScheme(URI uri, String scheme) {
        try {
            return new URI(scheme, uri.getRawSchemeSpecificPart(), uri.getRawFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("scheme: " + scheme + " (expected: a valid URI scheme)", e);
        }
    }

    /** The server {@code Courier} shared by the suite's tests. */
    protected final Courier server() {
        return server;
    }

    /** The implementation the shared server serves. */
    protected final ConformanceServer implementation() {
        return implementation;
    }

    /** The shared client: 10 s deadline, header {@code x-tenant: acme}. */
    protected final ConformanceService client() {
        return client;
    }

    @BeforeAll
    final void startCouriers() {
        implementation = new ConformanceServer();
        server = newServer("conformance-server", implementation);
        clients = configure(Courier.builder().name(CLIENT_NAME)).build();
        client = clientOf(target(server), CALL_DEADLINE);
    }

    @AfterAll
    final void closeCouriers() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- return shapes -------------------------------------------------------------------

    @Test
    final void syncResultRoundTrips() {
        Payload sent = Payload.sample(1);

        assertThat(client.echo(sent)).isEqualTo(sent);
    }

    @Test
    final void voidReturnsOnceTheHandlerRan() {
        Payload sent = Payload.sample(2, "void-" + UUID.randomUUID());

        client.accept(sent);

        assertThat(implementation.accepted()).contains(sent);
    }

    @Test
    final void futureResultRoundTrips() throws Exception {
        Payload sent = Payload.sample(3);

        assertThat(client.echoAsync(sent).get(20, TimeUnit.SECONDS)).isEqualTo(sent);
    }

    @Test
    final void futureOfVoidCompletesOnceTheHandlerRan() throws Exception {
        Payload sent = Payload.sample(4, "async-void-" + UUID.randomUUID());

        assertThat(client.acceptAsync(sent).get(20, TimeUnit.SECONDS)).isNull();
        assertThat(implementation.accepted()).contains(sent);
    }

    @Test
    final void failedFutureArrivesAsTheSameError() {
        CompletableFuture<String> result = client.failAsync(new Failure(Status.NOT_FOUND, "no order 7", Map.of("id", "7")));

        assertThatThrownBy(() -> result.get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isExactlyInstanceOf(NotFoundException.class)
                .hasMessage("no order 7");
    }

    @Test
    final void oneWayCallRunsTheHandler() {
        String token = "plain-" + UUID.randomUUID();

        client.fireAndForget(token);

        pollUntil("one-way handler recorded " + token, () -> implementation.notified().contains(token));
    }

    @Test
    final void oneWayCallReturnsBeforeTheHandlerFinishes() {
        String key = UUID.randomUUID().toString();

        client.fireAndForget("hold:" + key); // the handler waits for release(key): a caller that waited would time out

        assertThat(implementation.notified()).doesNotContain("hold:" + key);
        implementation.release(key);
        pollUntil("one-way handler finished after release", () -> implementation.notified().contains("hold:" + key));
    }

    @Test
    final void aOneWayCallRefusedBeforeItsHandlerGetsTheRefusal() {
        // The client checks too, so an interceptor below its check sends what a careless peer would.
        ConformanceService careless = inFormat(clients.client(ConformanceService.class)).target(target(server))
                .deadline(CALL_DEADLINE)
                .interceptor((call, next) -> next.proceed(call.withArgs(new Object[] {null})))
                .build();

        Throwable thrown = catchThrowable(() -> careless.fireAndForget("never-" + UUID.randomUUID()));

        assertThat(thrown).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("fireAndForget: body token: missing (expected: a String;");
        String next = "after-refusal-" + UUID.randomUUID();
        client.fireAndForget(next);
        pollUntil("the next one-way call ran", () -> implementation.notified().contains(next));
    }

    @Test
    final void oneWayCallsPastTheRunningLimitAreAnsweredOnceTheirHandlerRan() throws Exception {
        ConformanceServer impl = new ConformanceServer();
        try (Courier limited = newServer("conformance-one-way-limit", impl, 2)) {
            ConformanceService caller = clientOf(target(limited), CALL_DEADLINE);
            String first = UUID.randomUUID().toString();
            String last = UUID.randomUUID().toString();

            caller.fireAndForget("hold:" + first); // two handlers held: the limit, each answered as it starts
            caller.fireAndForget("hold:" + first);
            CompletableFuture<Void> third = CompletableFuture.runAsync(() -> caller.fireAndForget("hold:" + last),
                    Thread::startVirtualThread);
            pollUntil("the third handler started", () -> impl.notifying().contains("hold:" + last));

            assertThat(third).as("past the limit: answered only once its handler ran").isNotDone();
            impl.release(last);
            third.get(20, TimeUnit.SECONDS);
            assertThat(impl.notified()).contains("hold:" + last).doesNotContain("hold:" + first);
            impl.release(first);
        }
    }

    // ---- parameter bindings --------------------------------------------------------------

    @Test
    final void pathVariablesBind() {
        assertThat(client.path(42, "plain").values()).containsExactly("42", "plain");
        assertThat(client.path(-1, "x").values()).containsExactly("-1", "x");
    }

    @Test
    final void pathValuesArePercentEncodedAndDecoded() {
        List<String> awkward = List.of("a b", "slash/inside", "50%", "a+b", "q?x=1&y=2", "#hash", "semi;colon",
                "comma,equals=", "quote\"'", "tilde~under_score", "ünïcødé", "東京", "שלום", "😀", UNICODE);
        for (String value : awkward) {
            assertThat(client.path(7, value).values()).as("path value %s", value).containsExactly("7", value);
        }
    }

    @Test
    final void typedPathVariablesBind() {
        UUID id = UUID.randomUUID();

        assertThat(client.typedPath(Mood.GRUMPY, id, LocalDate.of(2024, 2, 29)).values())
                .containsExactly("GRUMPY", id.toString(), "2024-02-29");
    }

    @Test
    final void queryParametersBind() {
        assertThat(client.query("x", Optional.of(5), List.of("a", "b", "a"), Mood.CALM).values())
                .containsExactly("x", "5", "[a, b, a]", "CALM");
    }

    @Test
    final void absentQueryParametersBindAsNullEmptyOptionalAndEmptyList() {
        assertThat(client.query(null, Optional.empty(), List.of(), null).values())
                .containsExactly(null, "empty", "[]", null);
    }

    @Test
    final void queryValuesAreEncodedAndDecoded() {
        List<String> awkward = List.of("", "a b", "a&b=c", "x+y", "100%", "#frag", "/path?q", "ünïcødé", UNICODE);
        for (String value : awkward) {
            assertThat(client.query(value, Optional.empty(), List.of(value, "plain"), null).values())
                    .as("query value %s", value)
                    .containsExactly(value, "empty", List.of(value, "plain").toString(), null);
        }
    }

    @Test
    final void headerParameterBinds() {
        assertThat(client.header("abc-123; v=1, x").values()).containsExactly("abc-123; v=1, x");
        assertThat(client.header(null).values()).containsExactly((String) null);
    }

    @Test
    final void methodWithoutParametersIsCalled() {
        assertThat(client.ping()).isEqualTo("pong");
    }

    @Test
    final void methodWithoutHttpMappingUsesTheDefaultRoute() {
        MethodDescriptor withBody = ServiceDescriptor.of(ConformanceService.class).method("defaultRoute").orElseThrow();
        assertThat(withBody.httpMethod()).isEqualTo(HttpMethod.POST);
        assertThat(withBody.path().template()).isEqualTo("/conformance/defaultRoute");
        Payload sent = Payload.sample(5);

        assertThat(client.defaultRoute(sent)).isEqualTo(sent);
        assertThat(client.defaultRouteNoArgs()).isEqualTo("default route");
    }

    // ---- HTTP methods --------------------------------------------------------------------

    @Test
    final void everyHttpMethodReachesItsHandler() {
        assertThat(client.get("k1")).isEqualTo("GET k1");
        assertThat(client.post("k2", "v2")).isEqualTo("POST k2 v2");
        assertThat(client.put("k3", "v3")).isEqualTo("PUT k3 v3");
        assertThat(client.patch("k4", "v4")).isEqualTo("PATCH k4 v4");
        assertThat(client.delete("k5")).isEqualTo("DELETE k5");
    }

    // ---- errors --------------------------------------------------------------------------

    @Test
    final void everyErrorStatusArrivesAsItsExceptionWithMessageAndDetails() {
        for (Status status : errorStatuses()) {
            Failure failure = failure(status);

            Throwable thrown = catchThrowable(() -> client.fail(failure));

            assertReceived(thrown, failure);
        }
    }

    @Test
    final void everyErrorStatusOfAFutureArrivesAsItsException() throws Exception {
        for (Status status : errorStatuses()) {
            Failure failure = failure(status);
            CompletableFuture<String> result = client.failAsync(failure);

            Throwable thrown = catchThrowable(() -> result.get(20, TimeUnit.SECONDS));

            assertThat(thrown).as("%s", status).isInstanceOf(ExecutionException.class);
            assertReceived(thrown.getCause(), failure);
        }
    }

    @Test
    final void unexpectedExceptionArrivesAsInternalWithoutItsMessageOrStackTrace() {
        String secret = "s3cr3t-" + UUID.randomUUID();

        Throwable thrown = serverBug(() -> client.crash(secret), "crash");

        assertThat(thrown.getMessage())
                .contains("crash")
                .doesNotContain(secret)
                .doesNotContain("database password")
                .doesNotContain("IllegalStateException")
                .doesNotContain("\tat ")
                .doesNotContain("ConformanceServer");
        assertThat(((CourierException) thrown).details().toString()).doesNotContain(secret);
        for (Throwable cause = thrown.getCause(); cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(secret);
        }
    }

    @Test
    final void anIllegalArgumentExceptionOfTheHandlersOwnCodeIsAServerBugNotTheCallersMistake() {
        String reason = "quantity: -3 (expected: > 0) " + UUID.randomUUID();

        Throwable thrown = serverBug(() -> client.reject(reason), "reject");

        assertThat(thrown).isInstanceOf(InternalException.class);
        assertThat(((CourierException) thrown).status()).isEqualTo(Status.INTERNAL);
        assertThat(thrown.getMessage()).contains("reject").doesNotContain(reason);
    }

    /**
     * Calls a handler with a bug: the server logs it once at ERROR, with its stack trace and the
     * error id the caller's message names; the caller's error is returned.
     */
    private static Throwable serverBug(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String method) {
        try (LogCapture log = LogCapture.start()) {
            Throwable thrown = catchThrowable(call);
            assertThat(thrown).isInstanceOf(CourierException.class);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("error id (\\w+)").matcher(thrown.getMessage());
            assertThat(id.find()).as("the caller's message names an error id: %s", thrown.getMessage()).isTrue();
            List<String> errors = log.lines("ERROR");
            assertThat(errors).as("one server log line naming the method and the error id")
                    .singleElement().asString().contains(method).contains(id.group(1));
            assertThat(log.stackTraceLines()).as("the server logs the bug with its stack trace").isNotEmpty();
            return thrown;
        }
    }

    @Test
    final void aNullPointerExceptionInTheHandlerArrivesAsInternalNotAsTheCallersFault() {
        Throwable thrown = serverBug(() -> client.dereference("text"), "dereference");

        assertThat(thrown.getMessage()).doesNotContain("NullPointerException");
    }

    // ---- the null rule ---------------------------------------------------------------------

    private static Parcel parcel(String id) {
        return new Parcel(id, new Address("1 Main Street", "Springfield", List.of()), "fragile", Optional.of("card"),
                List.of("a"));
    }

    @Test
    final void nullableAndOptionalComponentsMayBeAbsent() {
        Parcel sparse = new Parcel("p-1", new Address("1 Main Street", "Springfield", List.of()), null,
                Optional.empty(), null);

        Parcel got = client.ship(sparse);

        assertThat(got.id()).isEqualTo("p-1");
        assertThat(got.to()).isEqualTo(sparse.to());
        assertThat(got.note()).as("a @Nullable string may arrive absent (null, or empty where the wire has no null)")
                .isNullOrEmpty();
        assertThat(got.gift()).isEmpty();
        assertThat(got.tags()).as("absent collections read as empty").isEmpty();
        assertThat(client.ship(parcel("p-2"))).isEqualTo(parcel("p-2"));
    }

    @Test
    final void theClientRefusesANullRequiredArgumentBeforeSending() {
        Throwable thrown = catchThrowable(() -> client.ship(null));
        Throwable nested = catchThrowable(() -> client.ship(new Parcel("p-1", null, null, Optional.empty(), List.of())));

        assertThat(thrown).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ship: body parcel: missing (expected: a Parcel;");
        assertThat(nested).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("body parcel.to: missing (expected: an Address;");
    }

    @Test
    final void theServerRefusesAMissingRequiredComponentBeforeTheHandlerAndAnswersTheNextCall() {
        // The client checks too, so an interceptor below its check sends what a careless peer would.
        ConformanceService careless = inFormat(clients.client(ConformanceService.class)).target(target(server))
                .deadline(CALL_DEADLINE)
                .interceptor((call, next) -> next.proceed(call.withArgs(new Object[] {
                        new Parcel("p-1", null, null, Optional.empty(), List.of())})))
                .build();

        Throwable thrown = catchThrowable(() -> careless.ship(parcel("p-1")));

        assertThat(thrown).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("parcel.to: missing (expected: an Address;");
        assertThat(((CourierException) thrown).status()).isEqualTo(Status.INVALID_ARGUMENT);
        assertThat(client.ship(parcel("p-3"))).isEqualTo(parcel("p-3"));
    }

    // ---- call context and deadlines ------------------------------------------------------

    @Test
    final void serverSeesTheDeadlineAndTheCaller() {
        CallInfo info = client.context();

        assertThat(info.caller()).isEqualTo(CLIENT_NAME);
        assertThat(info.deadlineMillis()).isPositive().isLessThanOrEqualTo(CALL_DEADLINE.toMillis());
    }

    @Test
    final void clientHeadersReachTheServer() {
        assertThat(client.context().tenant()).isEqualTo("acme");

        ConformanceService other = inFormat(clients.client(ConformanceService.class)).target(target(server))
                .header("x-tenant", "globex").build();
        assertThat(other.context().tenant()).isEqualTo("globex");
    }

    @Test
    final void deadlineFailsTheCallerFastAndInterruptsTheHandler() throws Exception {
        ConformanceService impatient = clientOf(target(server), Duration.ofMillis(300));
        String token = UUID.randomUUID().toString();
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> impatient.slow(token));

        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
        assertThat(((CourierException) thrown).status()).isEqualTo(Status.DEADLINE_EXCEEDED);
        // The handler would go on for a minute; the caller must have been let go long before.
        assertThat(waited).isLessThan(Duration.ofSeconds(10));
        assertThat(implementation.interrupted(token).await(10, TimeUnit.SECONDS))
                .as("the server-side handler was interrupted when the deadline passed").isTrue();
    }

    // ---- concurrency ---------------------------------------------------------------------

    @Test
    final void hundredsOfCallsInFlightFromOneClient() throws Exception {
        int calls = 500;
        List<CompletableFuture<Payload>> results = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            results.add(client.echoAsync(Payload.sample(i)));
        }

        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        for (int i = 0; i < calls; i++) {
            assertThat(results.get(i).join()).as("call %d", i).isEqualTo(Payload.sample(i));
        }
    }

    @Test
    final void manyVirtualThreadsCallingAtOnce() throws Exception {
        int threads = 200;
        AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(threads);
        List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int n = i;
            started.add(Thread.ofVirtual().name("conformance-caller-" + i).start(() -> {
                try {
                    results.set(n, client.echo(Payload.sample(n, "thread-" + n)));
                } catch (RuntimeException e) {
                    results.set(n, e);
                }
            }));
        }
        for (Thread t : started) {
            assertThat(t.join(Duration.ofSeconds(20))).as("%s finished", t.getName()).isTrue();
        }

        for (int i = 0; i < threads; i++) {
            assertThat(results.get(i)).as("call %d", i).isEqualTo(Payload.sample(i, "thread-" + i));
        }
    }

    // ---- large payloads and unicode ------------------------------------------------------

    @Test
    final void eightMebibyteStringTravelsBothWays() {
        String chunk = "courier-8MiB-payload-0123456789-";
        String big = chunk.repeat((8 << 20) / chunk.length()) + "✓😀";

        String reversed = client.reverse(big);

        assertThat(reversed.length()).isEqualTo(big.length());
        assertThat(reversed).isEqualTo(new StringBuilder(big).reverse().toString());
    }

    @Test
    final void longListOfRecordsTravelsBothWays() {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            items.add(new Item(i, "item-" + i, Mood.values()[i % 3]));
        }
        List<Item> expected = new ArrayList<>(items);
        java.util.Collections.reverse(expected);

        assertThat(client.reverseItems(items)).isEqualTo(expected);
    }

    @Test
    final void unicodeTravelsInBodiesPathsAndQueries() {
        Payload sent = Payload.sample(6, UNICODE);

        assertThat(client.echo(sent)).isEqualTo(sent);
        assertThat(client.reverse(UNICODE)).isEqualTo(new StringBuilder(UNICODE).reverse().toString());
        assertThat(client.path(1, UNICODE).values()).containsExactly("1", UNICODE);
        assertThat(client.query(UNICODE, Optional.of(1), List.of(UNICODE), null).values())
                .containsExactly(UNICODE, "1", List.of(UNICODE).toString(), null);
    }

    // ---- lifecycle and local methods -----------------------------------------------------

    @Test
    final void callsToAClosedServerAreUnavailableAndRetrySafe() {
        Courier closing = newServer("conformance-closed", new ConformanceServer());
        ConformanceService stale = clientOf(target(closing), CALL_DEADLINE);
        closing.close();

        try (LogCapture log = LogCapture.start()) {
            Throwable thrown = catchThrowable(stale::ping);

            assertThat(thrown).isInstanceOf(UnavailableException.class);
            assertThat(((CourierException) thrown).status()).isEqualTo(Status.UNAVAILABLE);
            assertThat(((CourierException) thrown).retrySafe()).isTrue();
            assertPeerLossLoggedAtMostOnce(log);
        }
    }

    @Test
    final void callsToAServerClosedAfterUseAreUnavailable() {
        Courier closing = newServer("conformance-closed-after-use", new ConformanceServer());
        ConformanceService used = clientOf(target(closing), CALL_DEADLINE);
        assertThat(used.ping()).isEqualTo("pong");
        try (LogCapture log = LogCapture.start()) {
            closing.close();

            // A request racing the connection's close may not be known to be unsent; once the
            // client has seen the close, every call must be refused as retry-safe.
            pollUntil("a call to the closed server fails as UNAVAILABLE and retry-safe", () -> {
                Throwable thrown = catchThrowable(used::ping);
                assertThat(thrown).isInstanceOf(UnavailableException.class);
                return ((CourierException) thrown).retrySafe();
            });
            assertThat(catchThrowable(used::ping)).isInstanceOf(UnavailableException.class);
            assertPeerLossLoggedAtMostOnce(log);
        }
    }

    /**
     * A client losing its server is an expected event: a transport may say so at WARN, once for
     * the endpoint however many calls fail, and never with an ERROR or a stack trace.
     */
    private static void assertPeerLossLoggedAtMostOnce(LogCapture log) {
        assertThat(log.lines("WARN")).as("%s", log).hasSizeLessThanOrEqualTo(1)
                .allSatisfy(line -> assertThat(line).contains("connection lost"));
        assertThat(log.lines("ERROR")).as("%s", log).isEmpty();
        assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
    }

    @Test
    final void defaultMethodRunsInTheCaller() {
        assertThat(client.where()).isEqualTo("local");
    }

    // ---- helpers -------------------------------------------------------------------------

    private Courier newServer(String name, ConformanceServer impl) {
        return newServer(name, impl, 1000);
    }

    private Courier newServer(String name, ConformanceServer impl, int maxOneWayRunning) {
        Courier courier = configure(Courier.builder().name(name).drainTimeout(Duration.ofSeconds(1))
                .maxOneWayRunning(maxOneWayRunning)).build();
        courier.serve(ConformanceService.class, impl);
        return courier;
    }

    private ConformanceService clientOf(URI target, Duration deadline) {
        return inFormat(clients.client(ConformanceService.class)).target(target).deadline(deadline)
                .header("x-tenant", "acme").build();
    }

    private ClientBuilder<ConformanceService> inFormat(ClientBuilder<ConformanceService> builder) {
        return format() == null ? builder : builder.format(format());
    }

    private static List<Status> errorStatuses() {
        return Arrays.stream(Status.values()).filter(s -> s != Status.OK).toList();
    }

    private static Failure failure(Status status) {
        return new Failure(status, status + " from the server: " + "détails ✓",
                Map.of("status", status.name(), "field", "order.items[0]", "hint", "prüfen ✓"));
    }

    private static void assertReceived(Throwable thrown, Failure failure) {
        Class<?> expected = CourierException.of(failure.status(), "x", Map.of(), false).getClass();
        assertThat(thrown).as("%s", failure.status()).isExactlyInstanceOf(expected);
        CourierException e = (CourierException) thrown;
        assertThat(e.status()).as("status").isEqualTo(failure.status());
        assertThat(e.getMessage()).as("%s message", failure.status()).isEqualTo(failure.message());
        assertThat(e.details()).as("%s details", failure.status()).isEqualTo(failure.details());
    }

    /** Polls {@code condition} until it holds, failing after 10 s. */
    private static void pollUntil(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("timed out after 10 s waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }
}
