package io.courier.resilience.internal;

/** Told of every change of phase the state machine makes, exactly once per change. */
@FunctionalInterface
public interface PhaseChange {
    void changed(Phase from, Phase to, long atNanos);
}
