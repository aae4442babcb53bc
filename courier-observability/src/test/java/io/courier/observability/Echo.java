package io.courier.observability;

import io.courier.annotation.Service;
import java.util.stream.Stream;

/** A contract with a request body, for the size metrics. */
@Service("echo")
public interface Echo {
    String echo(String text);

    Stream<String> spell(String word);
}
