package io.courier.examples.ftgo;

import io.courier.annotation.Get;
import io.courier.annotation.Service;
import java.util.List;

/**
 * What each process of the multi-process demo tells its launcher: its counters and its
 * timings. Served next to the process's own service, on the same port.
 */
@Service("demo-probe")
public interface DemoProbe {
    /** This process's report. */
    @Get("/demo/probe")
    Report report();

    /** One process's counters (by name) and timings (by interaction style). */
    record Report(String instance, long pid, List<Counter> counters, List<Timings.Timing> timings) {
        /** The counter {@code name}, 0 when there is none. */
        public long counter(String name) {
            return counters.stream().filter(c -> c.name().equals(name)).mapToLong(Counter::value).sum();
        }
    }

    /** A named count. */
    record Counter(String name, long value) {
    }
}
