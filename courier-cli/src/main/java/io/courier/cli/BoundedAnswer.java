package io.courier.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP exchange whose answer is read whole, but never more than a bound, and never after a
 * deadline that covers the body too (the JDK client's request timeout stops at the headers: a
 * server trickling a body forever would hold the command forever). Past either, the exchange is
 * cancelled and its connection closed.
 */
final class BoundedAnswer {
    /** An answer that began but cannot be used: larger than the bound, or not over by the deadline. */
    static final class UnusableAnswerException extends IOException {
        UnusableAnswerException(String message) {
            super(message);
        }
    }

    private BoundedAnswer() {
    }

    /**
     * Sends {@code request} and reads its answer's body, up to {@code maxBytes}, all within
     * {@code deadline}.
     *
     * @throws HttpTimeoutException when no answer began within the deadline
     * @throws UnusableAnswerException when the body is larger than {@code maxBytes}, or does not end by the deadline
     * @throws IOException when the exchange fails otherwise
     */
    static HttpResponse<byte[]> send(HttpClient client, HttpRequest request, int maxBytes, Duration deadline)
            throws IOException, InterruptedException {
        AtomicBoolean began = new AtomicBoolean();
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> {
            began.set(true);
            return new Limited(maxBytes);
        });
        try {
            return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw began.get()
                    ? new UnusableAnswerException("the answer began but did not end within " + seconds(deadline)
                            + " (expected: a whole answer by the deadline; the body kept coming)")
                    : new HttpTimeoutException("no answer within " + seconds(deadline));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Collects the body, and gives up (cancelling the exchange) past {@code max} bytes. */
    private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Limited(int max) {
            this.max = max;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if ((long) bytes.size() + b.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new UnusableAnswerException("the answer is larger than " + size(max)
                            + " (expected: at most " + size(max) + "; the rest was not read)"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return body;
        }
    }

    /** {@code n} bytes for people: in MiB or KiB when round. */
    static String size(long n) {
        return n % (1 << 20) == 0 ? (n >> 20) + " MiB" : n % 1024 == 0 ? (n >> 10) + " KiB" : n + " bytes";
    }
}
