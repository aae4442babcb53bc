package io.courier.observability.internal;

import io.courier.messaging.Message;
import io.courier.messaging.MessageContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a message waited between its timestamp (when it was published) and the start of its
 * handling, per channel and group: {@code messaging.process.age}. Read from courier-messaging's
 * {@link MessageContext}, an optional dependency: without it on the path nothing is recorded.
 */
final class MessageAge {
    private static final boolean PRESENT = present();

    private MessageAge() {
    }

    private static boolean present() {
        try {
            Class.forName("io.courier.messaging.MessageContext", false, MessageAge.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Records the age of the message being handled on this thread, if any. */
    static void record(MeterRegistry registry) {
        if (PRESENT) {
            Holder.record(registry);
        }
    }

    /** Loaded only when courier-messaging is there. */
    private static final class Holder {
        static void record(MeterRegistry registry) {
            Optional<MessageContext> current = MessageContext.current();
            if (current.isEmpty()) {
                return;
            }
            Message m = current.get().message();
            long ageMillis = registry.config().clock().wallTime() - m.timestamp().toEpochMilli();
            Timer.builder("messaging.process.age")
                    .description("Time from a message's publication (its timestamp) to the start of its handling")
                    .tag("messaging.destination.name", m.channel())
                    .tag("messaging.consumer.group.name", current.get().group())
                    .register(registry).record(Duration.ofMillis(Math.max(0, ageMillis)));
        }
    }
}
