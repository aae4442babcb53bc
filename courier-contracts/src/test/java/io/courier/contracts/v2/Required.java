package io.courier.contracts.v2;

import io.courier.annotation.Service;

/** A required field added. Version 2. */
@Service("required")
public interface Required {
    /** The item. */
    record RequiredItem(String sku, int quantity, Size size) {
    }

    /** A size. */
    record Size(int width, int height) {
    }

    /** The server reads the item and answers what it read. */
    String read(RequiredItem item);

    /** The server writes an item. */
    RequiredItem sample();

    /** What a reader of this version makes of an item. */
    static String show(RequiredItem i) {
        return i.sku() + "/" + i.quantity() + (i.size() == null ? "/no size" : ""); // a client is handed null
    }

    /** The item this version writes. */
    static RequiredItem item() {
        return new RequiredItem("s-1", 2, new Size(3, 4));
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
