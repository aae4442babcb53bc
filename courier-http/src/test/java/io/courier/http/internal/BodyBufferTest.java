package io.courier.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyBufferTest {
    private static Buffer bytes(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return Buffer.buffer(b);
    }

    @Test
    void gathersChunksPastTheFirstArrayInOrder() {
        BodyBuffer body = new BodyBuffer(-1, 4, 1000);
        for (int i = 0; i < 10; i++) {
            assertThat(body.append(bytes(7, i))).isTrue();
        }
        byte[] whole = body.take();
        assertThat(whole).hasSize(70);
        for (int i = 0; i < 10; i++) {
            assertThat(Arrays.copyOfRange(whole, 7 * i, 7 * i + 7)).containsOnly((byte) i);
        }
    }

    @Test
    void aDeclaredLengthIsTakenOnlyUpToTheFirstArrayBeforeBytesArrive() {
        BodyBuffer body = new BodyBuffer(1_000_000, 16, 2_000_000);
        assertThat(body.append(bytes(10, 1))).isTrue();
        assertThat(body.append(bytes(10, 2))).isTrue();
        assertThat(body.size()).isEqualTo(20);
        assertThat(body.take()).hasSize(20);
    }

    @Test
    void aChunkTakingTheBodyPastTheLimitIsRefusedAndNothingKept() {
        BodyBuffer body = new BodyBuffer(-1, 8, 20);
        assertThat(body.append(bytes(20, 1))).isTrue();
        assertThat(body.append(bytes(1, 2))).isFalse();
        assertThat(body.size()).isEqualTo(20);
    }

    @Test
    void aBodyOfExactlyTheDeclaredLengthIsTheArrayItself() {
        BodyBuffer body = new BodyBuffer(12, 64, 100);
        body.append(bytes(12, 3));
        assertThat(body.take()).hasSize(12).containsOnly((byte) 3);
    }
}
