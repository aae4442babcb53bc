package io.courier.contracts.v1;

import io.courier.annotation.Service;

/** Fields reordered without @Field: their Protobuf numbers follow their positions. Version 1. */
@Service("renumbered")
public interface Renumbered {
    /** The item. */
    record RenumberedItem(String sku, int quantity) {
    }

    /** The server reads the item and answers what it read. */
    String read(RenumberedItem item);

    /** The server writes an item. */
    RenumberedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(RenumberedItem i) {
        return i.sku() + "/" + i.quantity();
    }

    /** The item this version writes. */
    static RenumberedItem item() {
        return new RenumberedItem("s-1", 2);
    }

    /** A server of this version. */
    static Renumbered server() {
        return new Renumbered() {
            @Override
            public String read(RenumberedItem item) {
                return show(item);
            }

            @Override
            public RenumberedItem sample() {
                return item();
            }
        };
    }
}
