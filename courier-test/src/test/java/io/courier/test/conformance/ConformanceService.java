package io.courier.test.conformance;

import io.courier.annotation.Delete;
import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.OneWay;
import io.courier.annotation.Patch;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Put;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The contract {@link TransportConformanceSuite} serves and calls: one method per return shape,
 * parameter binding, HTTP method and failure the suite checks. {@link ConformanceServer} is its
 * implementation.
 */
@Service("conformance")
public interface ConformanceService {

    // Return shapes

    /** Returns the payload as received. */
    @Post("/echo")
    Payload echo(Payload payload);

    /** Records the payload (see {@link ConformanceServer#accepted()}) and returns nothing. */
    @Post("/accept")
    void accept(Payload payload);

    /** Returns the payload as received, from a future completed on another thread. */
    @Post("/async/echo")
    CompletableFuture<Payload> echoAsync(Payload payload);

    /** Records the payload from another thread, then completes. */
    @Post("/async/accept")
    CompletableFuture<Void> acceptAsync(Payload payload);

    /** Raises {@code failure} by completing the returned future exceptionally. */
    @Post("/async/fail")
    CompletableFuture<String> failAsync(Failure failure);

    /**
     * Records {@code token} (see {@link ConformanceServer#notified()}); a token starting with
     * {@code "hold:"} first waits until {@link ConformanceServer#release(String)}.
     */
    @OneWay
    @Post("/notify")
    void fireAndForget(String token);

    // Parameter bindings

    /** Path variables: [id, name]. */
    @Get("/items/{id}/{name}")
    Seen path(@Path("id") long id, @Path("name") String name);

    /** Typed path variables: [mood, uuid, day]. */
    @Get("/typed/{mood}/{uuid}/{day}")
    Seen typedPath(@Path("mood") Mood mood, @Path("uuid") UUID uuid, @Path("day") LocalDate day);

    /** Query parameters: [s, n or "empty", tags, mood]. */
    @Get("/query")
    Seen query(@Query("s") @Nullable String s, @Query("n") Optional<Integer> n, @Query("tag") List<String> tags,
               @Query("mood") @Nullable Mood mood);

    /** A header parameter: [value]. */
    @Get("/header")
    Seen header(@Header("x-conformance") @Nullable String value);

    /** No parameters at all. */
    @Get("/ping")
    String ping();

    /** No HTTP mapping: served on the default route {@code POST /conformance/defaultRoute}. */
    Payload defaultRoute(Payload payload);

    /** No HTTP mapping and no parameters: {@code POST /conformance/defaultRouteNoArgs}. */
    String defaultRouteNoArgs();

    // HTTP methods: each answers "<METHOD> <key>[ <value>]".

    /** GET. */
    @Get("/verbs/{key}")
    String get(@Path("key") String key);

    /** POST with a body. */
    @Post("/verbs/{key}")
    String post(@Path("key") String key, String value);

    /** PUT with a body. */
    @Put("/verbs/{key}")
    String put(@Path("key") String key, String value);

    /** PATCH with a body. */
    @Patch("/verbs/{key}")
    String patch(@Path("key") String key, String value);

    /** DELETE. */
    @Delete("/verbs/{key}")
    String delete(@Path("key") String key);

    // Failures

    /** Throws the {@link io.courier.CourierException} subclass for {@code failure.status()}. */
    @Post("/fail")
    void fail(Failure failure);

    /** Throws an {@link IllegalStateException} whose message contains {@code secret}. */
    @Post("/crash")
    String crash(String secret);

    /** Throws an {@link IllegalArgumentException} with {@code reason} as its message. */
    @Post("/reject")
    String reject(String reason);

    /** Throws the {@link NullPointerException} of dereferencing a null it made itself. */
    @Post("/dereference")
    String dereference(String text);

    // The null rule

    /** Returns the parcel as received; its {@code to} is required, its note and gift are not. */
    @Post("/parcels")
    Parcel ship(Parcel parcel);

    // Call context and deadlines

    /** What the server sees of the call's context. */
    @Get("/context")
    CallInfo context();

    /**
     * Blocks until interrupted (at most a minute), then counts down
     * {@link ConformanceServer#interrupted(String)} for {@code token}.
     */
    @Post("/slow")
    String slow(String token);

    // Large payloads

    /** Returns {@code text} reversed. */
    @Post("/big")
    String reverse(String text);

    /** Returns the items in reverse order. */
    @Post("/items")
    List<Item> reverseItems(List<Item> items);

    // Local behaviour

    /** Runs in the caller: never sent. The server's implementation answers {@code "server"}. */
    default String where() {
        return "local";
    }
}
