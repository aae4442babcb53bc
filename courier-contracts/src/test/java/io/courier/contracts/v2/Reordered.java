package io.courier.contracts.v2;

import io.courier.annotation.Service;
import io.courier.protobuf.Field;

/** Fields reordered, each keeping its number by @Field. Version 2. */
@Service("reordered")
public interface Reordered {
    /** The item. */
    record ReorderedItem(@Field(2) int quantity, @Field(1) String sku) {
    }

    /** The server reads the item and answers what it read. */
    String read(ReorderedItem item);

    /** The server writes an item. */
    ReorderedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(ReorderedItem i) {
        return i.sku() + "/" + i.quantity();
    }

    /** The item this version writes. */
    static ReorderedItem item() {
        return new ReorderedItem(2, "s-1");
    }

    /** A server of this version. */
    static Reordered server() {
        return new Reordered() {
            @Override
            public String read(ReorderedItem item) {
                return show(item);
            }

            @Override
            public ReorderedItem sample() {
                return item();
            }
        };
    }
}
