package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.json.JsonCodec;
import io.courier.kafka.KafkaBroker;
import io.courier.kafka.KafkaConfig;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publish/subscribe through a Kafka broker ({@code bootstrapServers}): courier-kafka against
 * plain kafka-clients doing the same work by hand, with the same producer settings (idempotent,
 * {@code acks=all}, {@code linger.ms=5}, {@code batch.size=16384}, no compression), the same
 * ~100-byte JSON events over 64 keys, 8 partitions, one consumer group, and offsets committed
 * only after handling. {@code inFlight} publisher threads each send an event and wait for Kafka's
 * acknowledgement, with at most {@code inFlight} events not yet handled; latency from publishing
 * to the handler.
 */
final class KafkaLoad {
    private static final String TEXT = "the quick brown fox jumps over the lazy dog";
    private static final int PARTITIONS = 8;

    private KafkaLoad() {
    }

    /** Courier: {@code Messaging.publish} and {@code subscribe} over {@link KafkaBroker}. */
    static Measurement courier(String servers, int inFlight, double warmupSeconds, double seconds) throws Exception {
        String topic = "courier-bench-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaConfig config = KafkaConfig.builder().bootstrapServers(servers).partitions(PARTITIONS).build();
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        Window w = new Window(warmupSeconds, seconds);
        try (KafkaBroker broker = KafkaBroker.create(config);
             Messaging sender = Messaging.builder().name("bench-sender").broker(broker).codec(JsonCodec.create()).build();
             Messaging receiver = Messaging.builder().name("bench-receiver").broker(broker).codec(JsonCodec.create()).build();
             Subscription ignored = receiver.subscribe(topic, Tick.class, "bench", tick -> {
                 w.record(histogram, tick.sentNanos());
                 permits.release();
             })) {
            publishers(inFlight, w, permits, errors, sequence ->
                    sender.publish(topic, new Tick(System.nanoTime(), sequence, TEXT), "key-" + (sequence % 64)));
            acquire(permits, inFlight);
        }
        return Measurement.of("courier-kafka", "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    /** Plain kafka-clients: a producer, and a consumer that commits after handling each poll's records. */
    static Measurement raw(String servers, int inFlight, double warmupSeconds, double seconds) throws Exception {
        String topic = "raw-bench-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectMapper json = new ObjectMapper();
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        Window w = new Window(warmupSeconds, seconds);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty()))).all().get();
        }
        // The producer and consumer settings KafkaBroker uses by default, so only the code differs.
        Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 16_384,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 29_995,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20, ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 50,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        Map<String, Object> consumerProps = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500, ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 20,
                ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 50);
        AtomicBoolean running = new AtomicBoolean(true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Thread consumer = Thread.ofPlatform().name("raw-bench-consumer").start(() -> {
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    c.subscribe(List.of(topic));
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                            try {
                                Tick tick = json.readValue(r.value(), Tick.class);
                                w.record(histogram, tick.sentNanos());
                            } catch (java.io.IOException e) {
                                errors.incrementAndGet();
                            }
                            permits.release();
                        }
                        c.commitAsync(); // what was handled: at least once
                    }
                    c.commitSync();
                }
            });
            publishers(inFlight, w, permits, errors, sequence -> {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic,
                        ("key-" + (sequence % 64)).getBytes(StandardCharsets.UTF_8),
                        json.writeValueAsBytes(new Tick(System.nanoTime(), sequence, TEXT)));
                r.headers().add("id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
                        .add("type", "Tick".getBytes(StandardCharsets.UTF_8))
                        .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
                producer.send(r).get(10, TimeUnit.SECONDS);
            });
            acquire(permits, inFlight);
            running.set(false);
            consumer.join();
        }
        return Measurement.of("kafka-clients", "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    private interface Publish {
        void publish(int sequence) throws Exception;
    }

    /** {@code n} virtual threads publishing until the window ends, each taking a permit per event. */
    private static void publishers(int n, Window w, Semaphore permits, AtomicLong errors, Publish publish)
            throws InterruptedException {
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    while (System.nanoTime() < w.end) {
                        acquire(permits, 1);
                        try {
                            publish.publish(sequence.getAndIncrement());
                        } catch (Exception e) {
                            permits.release();
                            errors.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void acquire(Semaphore permits, int n) throws InterruptedException {
        if (!permits.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("kafka: events unhandled for 10 s");
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
