package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.annotation.Service;
import org.junit.jupiter.api.Test;

class MethodSelectionTest {
    @Service
    public interface Stock {
        long level(long sku);

        void reserve(long sku, @io.courier.annotation.Query("quantity") int quantity);

        default long twice(long sku) {
            return 2 * level(sku);
        }
    }

    @Test
    void theMethodTheLambdaCallsIsSelected() {
        assertThat(ServiceDescriptor.select(Stock.class, s -> s.level(0L)).name()).isEqualTo("level");
        assertThat(ServiceDescriptor.select(Stock.class, s -> s.reserve(0L, 0)).name()).isEqualTo("reserve");
    }

    @Test
    void noneSeveralOrALocalMethodAreRefused() {
        assertThatThrownBy(() -> ServiceDescriptor.select(Stock.class, s -> { }))
                .hasMessage("selector: called 0 methods of " + Stock.class.getName() + " (expected: exactly one, as in s -> s.get(0))");
        assertThatThrownBy(() -> ServiceDescriptor.select(Stock.class, s -> {
            s.level(1L);
            s.level(2L);
        })).hasMessageContaining("called 2 methods");
        assertThatThrownBy(() -> ServiceDescriptor.select(Stock.class, s -> s.twice(1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selector: twice (expected: a remote method of " + Stock.class.getName() + ")");
    }
}
