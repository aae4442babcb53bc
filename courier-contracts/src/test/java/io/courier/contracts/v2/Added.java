package io.courier.contracts.v2;

import io.courier.annotation.Service;
import java.util.Optional;

/** An optional field added. Version 2. */
@Service("added")
public interface Added {
    /** The item. */
    record AddedItem(String sku, int quantity, Optional<String> note) {
    }

    /** The server reads the item and answers what it read. */
    String read(AddedItem item);

    /** The server writes an item. */
    AddedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(AddedItem i) {
        return i.sku() + "/" + i.quantity();
    }

    /** The item this version writes. */
    static AddedItem item() {
        return new AddedItem("s-1", 2, Optional.of("fragile"));
    }

    /** A server of this version. */
    static Added server() {
        return new Added() {
            @Override
            public String read(AddedItem item) {
                return show(item);
            }

            @Override
            public AddedItem sample() {
                return item();
            }
        };
    }
}
