package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Subscription;
import io.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the rebalance ticks of idle group members ask of the machine's RabbitMQ once nothing
 * changes: each member counts the group's members (one passive declare of its members queue)
 * and nothing more. Deleted exchanges and bindings are noticed from what RabbitMQ tells the
 * member ({@code TopologyChangeTest}), not by asking on every tick.
 */
class RebalanceCostTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int GROUPS = 3;
    private static final int TICKS = 25;

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void aSteadyTickAsksOneLookupPerMember() {
        RabbitBroker broker = rabbit.broker();
        List<Subscription> members = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            members.add(broker.subscribe("cost", "g" + g, d -> d.ack()));
        }
        int partitions = broker.config().partitions();
        Await.until(PATIENCE, "every member holding its group's partitions",
                () -> members.stream().allMatch(m -> RabbitBroker.partitions(m).size() == partitions));
        long ticksBefore = broker.ticks();
        Await.until(PATIENCE, "one tick after joining", () -> broker.ticks() > ticksBefore);

        long ticks0 = broker.ticks();
        long lookups0 = broker.lookups();
        Await.until(PATIENCE, TICKS + " more ticks", () -> broker.ticks() >= ticks0 + TICKS);
        long ticks = broker.ticks() - ticks0;
        long lookups = broker.lookups() - lookups0;

        // The count of members each tick, plus at most one occasional full look per member in the window.
        assertThat((double) lookups / (ticks * GROUPS))
                .as("passive declares per member and tick (%d in %d ticks of %d members)", lookups, ticks, GROUPS)
                .isLessThanOrEqualTo(1.2);
    }
}
