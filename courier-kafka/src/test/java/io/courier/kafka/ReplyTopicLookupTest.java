package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.kafka.internal.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.common.TopicCollection;
import org.junit.jupiter.api.Test;

/**
 * Looking up a reply topic that does not exist: a reply's channel is whatever its request's
 * sender wrote, so a stream of requests naming a missing topic must not cost a stream of
 * lookups. Counted on a real admin client of the embedded broker.
 */
class ReplyTopicLookupTest {
    /** A real admin client that counts the topic descriptions asked of Kafka. */
    private static final class CountingAdmin extends ForwardingAdmin {
        final AtomicInteger describes = new AtomicInteger();

        CountingAdmin(Map<String, Object> configs) {
            super(configs);
        }

        @Override
        public DescribeTopicsResult describeTopics(TopicCollection topics, DescribeTopicsOptions options) {
            describes.incrementAndGet();
            return super.describeTopics(topics, options);
        }
    }

    @Test
    void aMissingTopicIsLookedUpAFewTimesWithinThePatienceThenAnsweredAtOnce() {
        CountingAdmin admin = new CountingAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
        try (Topics topics = new Topics(admin, 2, Optional.empty(), Map.of(), Duration.ofSeconds(10))) {
            assertThat(topics.exists("ghost.replies.0badf00d", Duration.ofSeconds(1))).isFalse();
            int first = admin.describes.get();
            assertThat(first).as("lookups within 1 s, at growing intervals").isBetween(2, 8);

            for (int i = 0; i < 100; i++) {
                assertThat(topics.exists("ghost.replies.0badf00d", Duration.ofSeconds(1))).isFalse();
            }
            assertThat(admin.describes).as("found missing just now: not asked again").hasValue(first);

            topics.ensure("there.replies.0000abcd");
            assertThat(topics.exists("there.replies.0000abcd", Duration.ofSeconds(1))).isTrue();
        }
    }

}
