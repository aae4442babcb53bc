package io.courier.grpc.protection;

import io.courier.annotation.Post;
import io.courier.annotation.Service;

/** A contract served over REST and gRPC on one port, for the tests of per-caller and server-wide limits. */
@Service("work")
public interface Work {
    record Job(String name) {
    }

    record Done(String name) {
    }

    /** Not idempotent (a POST): only a refusal that says it was not run may be retried. */
    @Post("/work")
    Done work(Job job);

    /** {@code Job("a")} in the Protobuf wire format, for stock grpc-java. */
    static byte[] protobufJob(String name) {
        byte[] text = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = new byte[2 + text.length];
        bytes[0] = 0x0A; // field 1, length-delimited
        bytes[1] = (byte) text.length;
        System.arraycopy(text, 0, bytes, 2, text.length);
        return bytes;
    }
}
