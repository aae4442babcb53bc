package io.courier.contracts.v1;

import io.courier.annotation.Service;
import java.util.Optional;

/** An optional field removed. Version 1. */
@Service("removed")
public interface Removed {
    /** The item. */
    record RemovedItem(String sku, int quantity, Optional<String> colour) {
    }

    /** The server reads the item and answers what it read. */
    String read(RemovedItem item);

    /** The server writes an item. */
    RemovedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(RemovedItem i) {
        return i.sku() + "/" + i.quantity();
    }

    /** The item this version writes. */
    static RemovedItem item() {
        return new RemovedItem("s-1", 2, Optional.of("red"));
    }

    /** A server of this version. */
    static Removed server() {
        return new Removed() {
            @Override
            public String read(RemovedItem item) {
                return show(item);
            }

            @Override
            public RemovedItem sample() {
                return item();
            }
        };
    }
}
