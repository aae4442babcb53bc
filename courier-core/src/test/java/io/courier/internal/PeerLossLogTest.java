package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

class PeerLossLogTest {
    // SLF4J's own recording logger: every event with its level, nothing printed.
    private final Queue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final PeerLossLog peers = new PeerLossLog(
            new EventRecordingLogger(new SubstituteLogger("peers", events, false), events),
            "failing its calls in flight as UNAVAILABLE");

    @Test
    void oneWarningPerOutageAndOneDebugLinePerCall() {
        for (int i = 0; i < 50; i++) {
            peers.lost("grpc://127.0.0.1:9001", "Shop.order", new SocketException("Connection reset"));
        }

        assertThat(lines(Level.WARN)).containsExactly("grpc://127.0.0.1:9001: connection lost (Connection reset);"
                + " failing its calls in flight as UNAVAILABLE until it answers again");
        assertThat(lines(Level.DEBUG)).hasSize(50)
                .allMatch(l -> l.equals("grpc://127.0.0.1:9001: call Shop.order lost its connection (Connection reset)"));
        assertThat(lines(Level.ERROR)).isEmpty();
        assertThat(events).allMatch(e -> e.getThrowable() == null); // an expected event: no stack trace
        assertThat(peers.isDown("grpc://127.0.0.1:9001")).isTrue();
    }

    @Test
    void recoveryIsLoggedOnceAndANewOutageWarnsAgain() {
        peers.lost("http://a:1", "Shop.order", new SocketException("Connection reset"));
        long after = peers.started();
        peers.answered("http://a:1", after);
        peers.answered("http://a:1", after);
        peers.lost("http://a:1", "Shop.order", new ConnectException());

        assertThat(lines(Level.INFO)).containsExactly("http://a:1: recovered, answering again");
        assertThat(lines(Level.WARN)).containsExactly(
                "http://a:1: connection lost (Connection reset); failing its calls in flight as UNAVAILABLE until it"
                        + " answers again",
                "http://a:1: connection lost (ConnectException); failing its calls in flight as UNAVAILABLE until it"
                        + " answers again");
    }

    @Test
    void endpointsAreTrackedApart() {
        peers.lost("http://a:1", "Shop.order", null);
        peers.lost("http://b:2", "Shop.order", null);
        peers.answered("http://c:3", peers.started());

        assertThat(lines(Level.WARN)).hasSize(2);
        assertThat(lines(Level.INFO)).isEmpty();
        assertThat(peers.isDown("http://a:1")).isTrue();
        assertThat(peers.isDown("http://c:3")).isFalse();
    }

    @Test
    void anAnswerToACallThatStartedBeforeTheLossIsNoRecovery() {
        long before = peers.started(); // a call in flight when a draining server (GOAWAY) refuses newer ones
        peers.lost("grpc://a:1", "Shop.order", new IllegalStateException("Cannot create stream 431 greater than"
                + " Last-Stream-ID 429 from GOAWAY."));
        peers.answered("grpc://a:1", before); // the old stream's answer
        peers.lost("grpc://a:1", "Shop.order", null); // the next refused stream

        assertThat(lines(Level.INFO)).isEmpty();
        assertThat(lines(Level.WARN)).hasSize(1);
        assertThat(peers.isDown("grpc://a:1")).isTrue();
    }

    private List<String> lines(Level level) {
        return events.stream().filter(e -> e.getLevel() == level)
                .map(e -> MessageFormatter.basicArrayFormat(e.getMessage(), e.getArgumentArray()))
                .toList();
    }
}
