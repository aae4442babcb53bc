package io.courier.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.http.internal.prometheus.Samples;
import org.junit.jupiter.api.Test;

/** A group's lag as the console shows it: the broker's figure for the group, else its partitions' summed. */
class GroupLagTest {
    @Test
    void theGroupsFigureWinsElseItsPartitionsAreSummed() {
        Samples kafka = Samples.parse("""
                messaging_consumer_lag{messaging_destination_name="orders",messaging_consumer_group_name="kitchen"} 7.0
                messaging_consumer_partition_lag{messaging_destination_name="orders",messaging_consumer_group_name="kitchen",messaging_destination_partition_id="0"} 3.0
                """);
        assertThat(StateBuilder.lag(kafka, "orders", "kitchen")).isEqualTo(7.0);

        Samples rabbit = Samples.parse("""
                messaging_consumer_partition_lag{messaging_destination_name="orders",messaging_consumer_group_name="kitchen",messaging_destination_partition_id="0"} 3.0
                messaging_consumer_partition_lag{messaging_destination_name="orders",messaging_consumer_group_name="kitchen",messaging_destination_partition_id="1"} 4.0
                messaging_consumer_partition_lag{messaging_destination_name="orders",messaging_consumer_group_name="billing",messaging_destination_partition_id="0"} 100.0
                messaging_consumer_partition_lag{messaging_destination_name="payments",messaging_consumer_group_name="kitchen",messaging_destination_partition_id="0"} 100.0
                """);
        assertThat(StateBuilder.lag(rabbit, "orders", "kitchen")).isEqualTo(7.0);
        assertThat(StateBuilder.lag(rabbit, "orders", "accounting")).isNaN();
    }
}
