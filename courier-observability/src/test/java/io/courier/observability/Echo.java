package io.courier.observability;

import io.courier.annotation.Service;

/** A contract with a request body, for the size metrics. */
@Service("echo")
public interface Echo {
    String echo(String text);
}
