package io.courier.contracts.v1;

import io.courier.annotation.Service;
import io.courier.protobuf.Field;

/** A field renamed, keeping its Protobuf number, with the old name as an alias for JSON, XML and Avro. Version 1. */
@Service("renamed")
public interface Renamed {
    /** The item. */
    record RenamedItem(@Field(1) String sku, @Field(2) int quantity) {
    }

    /** The server reads the item and answers what it read. */
    String read(RenamedItem item);

    /** The server writes an item. */
    RenamedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(RenamedItem i) {
        return i.sku() + "/" + i.quantity();
    }

    /** The item this version writes. */
    static RenamedItem item() {
        return new RenamedItem("s-1", 2);
    }

    /** A server of this version. */
    static Renamed server() {
        return new Renamed() {
            @Override
            public String read(RenamedItem item) {
                return show(item);
            }

            @Override
            public RenamedItem sample() {
                return item();
            }
        };
    }
}
