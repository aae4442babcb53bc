package io.courier.resilience.internal;

import io.courier.Call;
import io.courier.resilience.ResilienceListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** The {@link ResilienceListener}s of one step; a failing listener is ignored. */
public final class Listeners {
    private final List<ResilienceListener> listeners = new CopyOnWriteArrayList<>();

    public void add(ResilienceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void fire(ResilienceListener.Event event, Call call) {
        for (ResilienceListener l : listeners) {
            try {
                l.on(event, call);
            } catch (RuntimeException ignored) {
                // a listener's failure is not the call's
            }
        }
    }
}
