package io.courier.contracts.v2;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.courier.annotation.Service;
import io.courier.protobuf.Field;
import org.apache.avro.reflect.AvroAlias;

/** A field renamed, keeping its Protobuf number, with the old name as an alias for JSON, XML and Avro. Version 2. */
@Service("renamed")
public interface Renamed {
    /** The item. */
    // Avro applies field aliases inside the record of the writer's full name: this version
    // lives in another package (a real next version keeps its package and needs no record alias).
    @AvroAlias(alias = "RenamedItem", space = "io.courier.contracts.v1")
    record RenamedItem(@Field(1) @JsonAlias("sku") @AvroAlias(alias = "sku") String code, @Field(2) int quantity) {
    }

    /** The server reads the item and answers what it read. */
    String read(RenamedItem item);

    /** The server writes an item. */
    RenamedItem sample();

    /** What a reader of this version makes of an item. */
    static String show(RenamedItem i) {
        return i.code() + "/" + i.quantity();
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
