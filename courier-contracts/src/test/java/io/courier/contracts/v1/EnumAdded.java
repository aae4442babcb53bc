package io.courier.contracts.v1;

import io.courier.annotation.Service;

/** An enum constant added; each version sends its newest constant. Version 1. */
@Service("enumAdded")
public interface EnumAdded {
    /** The item. */
    record EnumAddedItem(String sku, int quantity, Colour colour) {
    }

    /** A colour. */
    enum Colour { RED, GREEN }

    /** The server reads the item and answers what it read. */
    String read(EnumAddedItem item);

    /** The server writes an item. */
    EnumAddedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(EnumAddedItem i) {
        return i.sku() + "/" + i.quantity() + "/" + i.colour();
    }

    /** The item this version writes. */
    static EnumAddedItem item() {
        return new EnumAddedItem("s-1", 2, Colour.RED);
    }

    /** A server of this version. */
    static EnumAdded server() {
        return new EnumAdded() {
            @Override
            public String read(EnumAddedItem item) {
                return show(item);
            }

            @Override
            public EnumAddedItem sample() {
                return item();
            }
        };
    }
}
