package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Publish/subscribe through the RabbitMQ on {@code bench.rabbitmq.host}:{@code bench.rabbitmq.port}
 * (127.0.0.1:5672): courier-rabbitmq against the plain amqp-client doing the same work by hand
 * (persistent JSON messages to a topic exchange and a durable queue, publisher confirms, one
 * manual ack per message). One thread publishes, waiting for each confirm, with at most
 * {@code inFlight} events not yet handled; latency from publishing to the handler.
 */
final class RabbitLoad {
    private static final String TEXT = "the quick brown fox jumps over the lazy dog";
    private static final String HOST = System.getProperty("bench.rabbitmq.host", "127.0.0.1");
    private static final int PORT = Integer.getInteger("bench.rabbitmq.port", 5672);

    private RabbitLoad() {
    }

    /** Courier: {@code Messaging.publish} and {@code subscribe} over {@link RabbitBroker}, 64 partition keys. */
    static Measurement courier(int inFlight, double warmupSeconds, double seconds) throws Exception {
        String namespace = "courier-bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        RabbitConfig config = RabbitConfig.builder().host(HOST).port(PORT).namespace(namespace).build();
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        Window w = new Window(warmupSeconds, seconds);
        try (RabbitBroker broker = RabbitBroker.create(config);
             Messaging sender = Messaging.builder().name("bench-sender").broker(broker).codec(JsonCodec.create()).build();
             Messaging receiver = Messaging.builder().name("bench-receiver").broker(broker).codec(JsonCodec.create()).build()) {
            try (Subscription ignored = receiver.subscribe("ticks", Tick.class, "bench", tick -> {
                w.record(histogram, tick.sentNanos());
                permits.release();
            })) {
                int sequence = 0;
                for (long now = System.nanoTime(); now < w.end; now = System.nanoTime()) {
                    acquire(permits, 1);
                    try {
                        sender.publish("ticks", new Tick(System.nanoTime(), sequence, TEXT), "key-" + (sequence % 64));
                    } catch (RuntimeException e) {
                        permits.release();
                        errors.incrementAndGet();
                    }
                    sequence++;
                }
                acquire(permits, inFlight);
            }
        } finally {
            deleteNamespace(namespace, config.partitions());
        }
        return Measurement.of("courier-rabbitmq", "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    /** The plain amqp-client: the same exchange, queue, confirms and acks, written by hand. */
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
            Channel sub = consuming.createChannel();
            pub.exchangeDeclare(exchange, "topic", true);
            sub.queueDeclare(exchange, true, false, false, null);
            sub.queueBind(exchange, exchange, "#");
            sub.basicQos(256);
            pub.confirmSelect();
            sub.basicConsume(exchange, false, new DefaultConsumer(sub) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
                    Tick tick = json.readValue(body, Tick.class);
                    w.record(histogram, tick.sentNanos());
                    sub.basicAck(env.getDeliveryTag(), false);
                    permits.release();
                }
            });
            int sequence = 0;
            for (long now = System.nanoTime(); now < w.end; now = System.nanoTime()) {
                acquire(permits, 1);
                try {
                    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                            .messageId(UUID.randomUUID().toString()).contentType("application/json").type("Tick")
                            .headers(Map.of("key", "key-" + (sequence % 64))).build();
                    pub.basicPublish(exchange, "key-" + (sequence % 64), props,
                            json.writeValueAsBytes(new Tick(System.nanoTime(), sequence, TEXT)));
                    pub.waitForConfirmsOrDie(10_000);
                } catch (IOException | RuntimeException e) {
                    permits.release();
                    errors.incrementAndGet();
                }
                sequence++;
            }
            acquire(permits, inFlight);
            pub.exchangeDelete(exchange);
            sub.queueDelete(exchange);
        }
        return Measurement.of("amqp-client", "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    private static void acquire(Semaphore permits, int n) throws InterruptedException {
        if (!permits.tryAcquire(n, 10, TimeUnit.SECONDS)) {
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
