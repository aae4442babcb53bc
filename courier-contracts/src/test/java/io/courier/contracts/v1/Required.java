package io.courier.contracts.v1;

import io.courier.annotation.Service;

/** A required field added. Version 1. */
@Service("required")
public interface Required {
    /** The item. */
    record RequiredItem(String sku, int quantity) {
    }

    /** The server reads the item and answers what it read. */
    String read(RequiredItem item);

    /** The server writes an item. */
    RequiredItem sample();

    /** What a reader of this version makes of an item. */
    static String show(RequiredItem i) {
        return i.sku() + "/" + i.quantity();
    }

    /** The item this version writes. */
    static RequiredItem item() {
        return new RequiredItem("s-1", 2);
    }

    /** A server of this version. */
    static Required server() {
        return new Required() {
            @Override
            public String read(RequiredItem item) {
                return show(item);
            }

            @Override
            public RequiredItem sample() {
                return item();
            }
        };
    }
}
