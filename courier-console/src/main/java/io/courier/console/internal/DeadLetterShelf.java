package io.courier.console.internal;

import io.courier.messaging.DeadLetter;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters the console shows, read from the dead-letter channels it watches and held
 * unsettled until someone replays or discards them (a letter the console does not hold stays
 * on its dead-letter channel). Thread-safe.
 */
public final class DeadLetterShelf implements AutoCloseable {
    /** The most letters held per watched channel and group. */
    public static final int CAPACITY = 500;

    private static final Logger log = LoggerFactory.getLogger(DeadLetterShelf.class);

    /** A channel and group whose dead letters are shown, read through {@code messaging}. */
    public record Watch(Messaging messaging, String channel, String group) {
    }

    /** One held letter, as the page shows it. */
    public record Shown(String id, String channel, String group, String reason, int attempts, String key,
                        Instant received, String payload) {
    }

    private final Map<String, DeadLetter> letters = new LinkedHashMap<>();
    private final Map<String, Shown> shown = new LinkedHashMap<>();
    private final Map<String, Integer> perWatch = new LinkedHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    public DeadLetterShelf(List<Watch> watches) {
        for (Watch w : watches) {
            subscriptions.add(w.messaging().deadLetters(w.channel(), w.group(), letter -> hold(w, letter)));
        }
    }

    private synchronized void hold(Watch w, DeadLetter letter) {
        String watch = w.channel() + "/" + w.group();
        int held = perWatch.getOrDefault(watch, 0);
        if (held >= CAPACITY) {
            log.debug("console: {} dead letters held for {}; leaving {} on the dead-letter channel", held, watch, letter);
            return;
        }
        String id = watch + "/" + letter.message().id();
        if (letters.containsKey(id)) {
            return; // delivered again while held
        }
        letters.put(id, letter);
        perWatch.put(watch, held + 1);
        var m = letter.message();
        shown.put(id, new Shown(id, w.channel(), w.group(), letter.reason(), letter.attempts(),
                m.partitionKey().orElse(""), Instant.now(), Text.preview(m.payload())));
    }

    /** The letters held, oldest first. */
    public synchronized List<Shown> shown() {
        return List.copyOf(shown.values());
    }

    /** Sends the letter {@code id} again to its group; empty if no such letter is held. */
    public Optional<Shown> replay(String id) {
        return settle(id, DeadLetter::replay);
    }

    /** Drops the letter {@code id} for good; empty if no such letter is held. */
    public Optional<Shown> discard(String id) {
        return settle(id, DeadLetter::discard);
    }

    private Optional<Shown> settle(String id, java.util.function.Consumer<DeadLetter> action) {
        DeadLetter letter;
        Shown s;
        synchronized (this) {
            letter = letters.remove(id);
            s = shown.remove(id);
            if (letter == null) {
                return Optional.empty();
            }
            perWatch.merge(s.channel() + "/" + s.group(), -1, Integer::sum);
        }
        action.accept(letter);
        return Optional.of(s);
    }

    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
    }
}
