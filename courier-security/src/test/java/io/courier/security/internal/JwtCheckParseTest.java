package io.courier.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.courier.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A call's token is parsed once: {@link JwtCheck#mayFetchKeys} and then {@link JwtCheck#verify} share it. */
class JwtCheckParseTest {
    private static final String ISSUER = "https://idp.test/";
    private ECKey key;
    private HttpServer jwks;
    private JwtCheck check;

    @BeforeEach
    void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        check = new JwtCheck(new JwtCheck.Settings(
                URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"), null, ISSUER, "orders",
                Duration.ofSeconds(60), Clock.system(), Set.of("ES256"), "sub", "roles", List.of("scope"),
                Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        jwks.stop(0);
    }

    private String token(String subject) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("orders")
                        .expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aCallAskedWhetherItMayBlockThenVerifiedParsesItsTokenOnce() throws Exception {
        assertThat(check.mayFetchKeys(token("first"))).as("no key set fetched yet").isTrue();
        assertThat(check.verify(token("first")).name()).isEqualTo("first"); // fetches the set
        String ann = token("ann");
        long before = check.parses();

        assertThat(check.mayFetchKeys(ann)).as("a known key id in a fresh set").isFalse();
        assertThat(check.verify(ann).name()).isEqualTo("ann");

        assertThat(check.parses() - before).isEqualTo(1);
    }

    @Test
    void callsOnTwoLoopsAtOnceEachParseTheirTokenOnce() throws Exception {
        check.verify(token("first"));
        String ann = token("ann");
        String bo = token("bo");
        long before = check.parses();
        // Interleaved as two event loops would: both asked, then both verified.
        try (java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
             java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            assertThat(one.submit(() -> check.mayFetchKeys(ann)).get()).isFalse();
            assertThat(two.submit(() -> check.mayFetchKeys(bo)).get()).isFalse();
            assertThat(one.submit(() -> check.verify(ann).name()).get()).isEqualTo("ann");
            assertThat(two.submit(() -> check.verify(bo).name()).get()).isEqualTo("bo");
        }
        assertThat(check.parses() - before).as("ann once, bo once").isEqualTo(2);
    }

    @Test
    void aCallVerifiedOnAVirtualThreadParsesItsOwn() throws Exception {
        check.verify(token("first"));
        String ann = token("ann");
        long before = check.parses();
        assertThat(check.mayFetchKeys(ann)).isFalse();
        java.util.concurrent.CompletableFuture<String> name = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> name.complete(check.verify(ann).name()));
        assertThat(name.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ann");
        assertThat(check.parses() - before).as("asked on this thread, verified on another").isEqualTo(2);
        assertThat(check.verify(ann).name()).as("what this thread parsed is still its own").isEqualTo("ann");
        assertThat(check.parses() - before).isEqualTo(2);
    }

    @Test
    void whatWasParsedServesOnlyTheSameTokenAndOnlyOnce() throws Exception {
        check.verify(token("first"));
        String ann = token("ann");
        String bo = token("bo");
        long before = check.parses();

        assertThat(check.mayFetchKeys(ann)).isFalse();
        assertThat(check.verify(bo).name()).as("another call's token").isEqualTo("bo");
        assertThat(check.verify(ann).name()).isEqualTo("ann");
        assertThat(check.parses() - before).as("ann once, bo once").isEqualTo(2);

        assertThat(check.verify(ann).name()).as("verified again: parsed again").isEqualTo("ann");
        assertThat(check.parses() - before).isEqualTo(3);
    }
}
