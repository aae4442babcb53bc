package io.courier.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.avro.generated.Shipment;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

/** An Avro-generated class (from {@code src/test/avro/shipment.avsc}) is written with its own schema. */
class GeneratedClassTest {
    /** A record reading what the generated class wrote, by Avro's resolution (note dropped). */
    record ShipmentView(String id, int weight) {}

    private final AvroCodec codec = AvroCodec.create();

    @Test
    void aGeneratedClassRoundTripsWithItsOwnSchema() {
        Shipment sent = Shipment.newBuilder().setId("s-1").setWeight(12).setNote("fragile").build();

        byte[] bytes = codec.encode(sent, Shipment.class);
        String contentType = codec.contentType(Shipment.class);

        assertThat(AvroCodec.schemaOf(Shipment.class)).isEqualTo(Shipment.getClassSchema());
        assertThat(contentType).endsWith(String.format("%016x", SchemaNormalization.parsingFingerprint64(
                Shipment.getClassSchema())));
        assertThat(codec.decode(bytes, Shipment.class, contentType)).isEqualTo(sent);
    }

    @Test
    void aRecordReadsWhatAGeneratedClassWrote() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(Shipment.getClassSchema());
        AvroCodec reader = AvroCodec.builder().schemaStore(store).build();
        Shipment sent = Shipment.newBuilder().setId("s-2").setWeight(7).setNote(null).build();

        Object read = reader.decode(codec.encode(sent, Shipment.class), ShipmentView.class,
                codec.contentType(Shipment.class));

        assertThat(read).isEqualTo(new ShipmentView("s-2", 7));
    }
}
