package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.rabbitmq.RabbitBroker;
import io.courier.rabbitmq.RabbitConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Publish/subscribe through the RabbitMQ on {@code bench.rabbitmq.host}:{@code bench.rabbitmq.port}
 * (127.0.0.1:5672): courier-rabbitmq against the plain amqp-client doing the same work by hand.
 * Both sides are at-least-once with the same settings: persistent JSON messages (the same
 * {@link Tick}) to a durable topic exchange and durable queues, a publish counted only once the
 * broker confirmed it, a manual ack per event after its handler ran (the plain side sends
 * each alone; Courier coalesces them into multiple acks where every earlier delivery is
 * settled), a prefetch of
 * {@value #PREFETCH}, and at most {@code inFlight} events published but not yet handled (a
 * closed loop); latency from publishing to the handler.
 *
 * <p>Both sides publish from one thread with asynchronous confirms, at most {@code inFlight}
 * outstanding: the plain client with a {@link ConfirmListener} and the outstanding sequence
 * numbers, Courier with {@code Messaging.publishAsync} (its future completes on the broker's
 * confirm). So the broker writes them to disk in batches; awaiting one confirm at a time would
 * only measure its disk.
 */
final class RabbitLoad {
    private static final String TEXT = "the quick brown fox jumps over the lazy dog";
    private static final String HOST = System.getProperty("bench.rabbitmq.host", "127.0.0.1");
    private static final int PORT = Integer.getInteger("bench.rabbitmq.port", 5672);
    private static final int PREFETCH = 256;
    private static final int KEYS = 64;
    /** Courier's default number of partitions of a group, and so of the plain client's queues. */
    private static final int PARTITIONS = RabbitConfig.builder().build().partitions();

    private RabbitLoad() {
    }

    /** Courier: {@code Messaging.publishAsync} from one thread and {@code subscribe}, 64 partition keys. */
    static Measurement courier(int inFlight, double warmupSeconds, double seconds) throws Exception {
        String namespace = "courier-bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        RabbitConfig config = RabbitConfig.builder().host(HOST).port(PORT).namespace(namespace).prefetch(PREFETCH)
                .partitions(PARTITIONS).build();
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        AtomicInteger sequence = new AtomicInteger();
        Window w = new Window(warmupSeconds, seconds);
        try (RabbitBroker broker = RabbitBroker.create(config);
             Messaging sender = Messaging.builder().name("bench-sender").broker(broker).codec(JsonCodec.create()).build();
             Messaging receiver = Messaging.builder().name("bench-receiver").broker(broker).codec(JsonCodec.create()).build()) {
            try (Subscription ignored = receiver.subscribe("ticks", Tick.class, "bench", tick -> {
                w.record(histogram, tick.sentNanos());
                permits.release();
            })) {
                // As the plain side: one thread, at most inFlight confirms outstanding.
                Semaphore unconfirmed = new Semaphore(inFlight);
                for (long now = System.nanoTime(); now < w.end; now = System.nanoTime()) {
                    acquire(permits, 1);
                    acquire(unconfirmed, 1);
                    int s = sequence.getAndIncrement();
                    sender.publishAsync("ticks", new Tick(System.nanoTime(), s, TEXT), "key-" + (s % KEYS))
                            .whenComplete((id, failure) -> {
                                unconfirmed.release();
                                if (failure != null) {
                                    permits.release();
                                    errors.incrementAndGet();
                                }
                            });
                }
                acquire(unconfirmed, inFlight);
                acquire(permits, inFlight);
            }
        } finally {
            deleteNamespace(namespace, config.partitions());
        }
        return Measurement.of("courier-rabbitmq", "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    /**
     * The plain amqp-client doing by hand what Courier does: the same topology (a durable topic
     * exchange, one durable queue per partition bound by the partition number, the partition
     * from the key's hash, one consumer channel per queue), confirms and acks.
     */
    static Measurement raw(int inFlight, double warmupSeconds, double seconds) throws Exception {
        String exchange = "raw-bench-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectMapper json = new ObjectMapper();
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        Window w = new Window(warmupSeconds, seconds);
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        try (Connection publishing = f.newConnection(); Connection consuming = f.newConnection()) {
            Channel pub = publishing.createChannel();
            pub.exchangeDeclare(exchange, "topic", true);
            for (int p = 0; p < PARTITIONS; p++) {
                Channel sub = consuming.createChannel();
                String queue = exchange + "." + p;
                sub.queueDeclare(queue, true, false, false, null);
                sub.queueBind(queue, exchange, Integer.toString(p));
                sub.basicQos(PREFETCH);
                sub.basicConsume(queue, false, new DefaultConsumer(sub) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
                        Tick tick = json.readValue(body, Tick.class);
                        w.record(histogram, tick.sentNanos());
                        sub.basicAck(env.getDeliveryTag(), false);
                        permits.release();
                    }
                });
            }
            pub.confirmSelect();
            // Sequence numbers published and not yet confirmed: a nack, or none by the end, is an error.
            ConcurrentNavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
            // At most inFlight of them, as Courier's inFlight publishers each wait for their own.
            Semaphore unconfirmed = new Semaphore(inFlight);
            pub.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long seq, boolean multiple) {
                    unconfirmed.release(confirmed(outstanding, seq, multiple));
                }

                @Override
                public void handleNack(long seq, boolean multiple) {
                    int n = confirmed(outstanding, seq, multiple);
                    errors.addAndGet(n);
                    unconfirmed.release(n);
                }
            });
            int sequence = 0;
            for (long now = System.nanoTime(); now < w.end; now = System.nanoTime()) {
                acquire(permits, 1);
                acquire(unconfirmed, 1);
                try {
                    String key = "key-" + (sequence % KEYS);
                    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                            .messageId(UUID.randomUUID().toString()).contentType("application/json").type("Tick")
                            .headers(Map.of("key", key)).build();
                    outstanding.put(pub.getNextPublishSeqNo(), Boolean.TRUE);
                    pub.basicPublish(exchange, Integer.toString(Math.floorMod(key.hashCode(), PARTITIONS)), props,
                            json.writeValueAsBytes(new Tick(System.nanoTime(), sequence, TEXT)));
                } catch (IOException | RuntimeException e) {
                    permits.release();
                    unconfirmed.release();
                    errors.incrementAndGet();
                }
                sequence++;
            }
            acquire(permits, inFlight);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1); // confirms still on their way; bounded by the deadline
            }
            errors.addAndGet(outstanding.size());
            for (int p = 0; p < PARTITIONS; p++) {
                pub.queueDelete(exchange + "." + p);
            }
            pub.exchangeDelete(exchange);
        }
        return Measurement.of("amqp-client", "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    /** Removes what a confirm covers from {@code outstanding}; how many it covered. */
    private static int confirmed(ConcurrentNavigableMap<Long, Boolean> outstanding, long seq, boolean multiple) {
        if (!multiple) {
            return outstanding.remove(seq) != null ? 1 : 0;
        }
        ConcurrentNavigableMap<Long, Boolean> done = outstanding.headMap(seq, true);
        int n = done.size();
        done.clear();
        return n;
    }

    private static void acquire(Semaphore permits, int n) throws InterruptedException {
        // Untimed first: a timed wait on a virtual thread arms a timer, a cost the plain side's
        // platform thread does not pay, so it would weigh on Courier's side only.
        if (!permits.tryAcquire(n) && !permits.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("rabbitmq: events unhandled for 10 s");
        }
    }

    /** Deletes what the Courier run declared: its channel's exchanges and the group's queues. */
    private static void deleteNamespace(String ns, int partitions) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            for (int p = 0; p < partitions; p++) {
                ch.queueDelete(ns + "ticks.bench." + p);
            }
            for (String channel : new String[] {"ticks", Messaging.deadLetterChannel("ticks", "bench")}) {
                ch.queueDelete(ns + channel + ".unrouted");
                ch.exchangeDelete(ns + channel + ".unrouted");
                ch.exchangeDelete(ns + channel);
            }
        }
    }

    /** The measured part of a run: after the warm-up, before the end. */
    private static final class Window {
        final long from;
        final long end;

        Window(double warmupSeconds, double seconds) {
            long start = System.nanoTime();
            this.from = start + (long) (warmupSeconds * 1e9);
            this.end = from + (long) (seconds * 1e9);
        }

        void record(Histogram h, long sentNanos) {
            long now = System.nanoTime();
            if (sentNanos >= from && now < end) {
                h.recordValue(Math.min(now - sentNanos, h.getHighestTrackableValue()));
            }
        }
    }
}
