package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import io.courier.rabbitmq.internal.Acks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coalesced acknowledgements against the real broker: deliveries settled in any order from many
 * threads are all acknowledged and none twice (RabbitMQ closes the channel on an unknown or
 * repeated tag), and a delivery never settled stays unacknowledged however many after it are.
 */
class AcksTest {
    private static final int N = 2_000;

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void acksInAnyOrderFromManyThreadsSettleEveryDeliveryExactlyOnce() throws Exception {
        runAndCheck(Set.of());
    }

    @Test
    void aDeliveryNeverSettledStaysUnacknowledgedWhileTheOnesAroundItAreAcknowledged() throws Exception {
        runAndCheck(Set.of(7, 500, 501, 1_999));
    }

    /** Consumes {@link #N} messages, acks all but {@code unsettled} (by body) out of order, then checks the queue. */
    private void runAndCheck(Set<Integer> unsettled) throws Exception {
        rabbit.config(); // skips without a broker
        String queue = "courier-test-acks-" + UUID.randomUUID().toString().substring(0, 8);
        rabbit.deleteQueueAfter(queue);
        try (Connection c = LocalRabbit.plainConnection()) {
            Channel setup = c.createChannel();
            setup.queueDeclare(queue, false, false, false, null);
            for (int i = 0; i < N; i++) {
                setup.basicPublish("", queue, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            }
            Channel ch = c.createChannel();
            ch.basicQos(300);
            Acks acks = new Acks(ch);
            LinkedBlockingQueue<long[]> delivered = new LinkedBlockingQueue<>();
            ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    delivered.add(new long[] {env.getDeliveryTag(), Integer.parseInt(new String(body, StandardCharsets.UTF_8))});
                }
            });
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            Set<Integer> acked = Collections.synchronizedSet(new HashSet<>());
            try (ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < N; i++) {
                    long[] d = delivered.poll(10, TimeUnit.SECONDS);
                    assertThat(d).as("delivery " + (i + 1) + " of " + N + " within 10 s (the channel is "
                            + (ch.isOpen() ? "open" : "closed: " + ch.getCloseReason()) + ")").isNotNull();
                    if (unsettled.contains((int) d[1])) {
                        continue;
                    }
                    handlers.execute(() -> {
                        try {
                            if (ThreadLocalRandom.current().nextInt(4) == 0) {
                                Thread.yield(); // finish out of order
                            }
                            acks.ack(d[0]);
                            acked.add((int) d[1]);
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    });
                }
            }
            assertThat(failures).isEmpty();
            assertThat(acked).hasSize(N - unsettled.size());
            // A round trip on the channel after the acks: an unknown or repeated tag would have closed it.
            ch.basicQos(300);
            assertThat(ch.isOpen()).as("no unknown or repeated delivery tag closed the channel").isTrue();
            ch.close(); // what was not acknowledged goes back to the queue
            Set<Integer> back = new HashSet<>();
            GetResponse r;
            while ((r = setup.basicGet(queue, true)) != null) {
                back.add(Integer.parseInt(new String(r.getBody(), StandardCharsets.UTF_8)));
            }
            assertThat(back).as("back in the queue: exactly the ones never settled").isEqualTo(unsettled);
        }
    }
}
