package io.courier.bench.load;

import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/** The command contract of the messaging scenario's request/reply round trip. */
@Service("benchEcho")
public interface EchoCommands {
    /** Returns its argument, as a reply on the caller's reply channel. */
    CompletableFuture<Payload> echo(Payload payload);
}
