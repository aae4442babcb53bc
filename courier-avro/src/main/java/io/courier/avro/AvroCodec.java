package io.courier.avro;

import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import io.courier.avro.internal.AvroType;
import io.courier.avro.internal.AvroTypes;
import io.courier.avro.internal.BoundsCheck;
import io.courier.avro.internal.ContractClasses;
import io.courier.avro.internal.DecodeFailure;
import io.courier.spi.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@code application/avro} {@link Codec}: Avro binary for Java records (their schema
 * derived from the record) and for Avro-generated {@link SpecificRecord} classes (their own
 * schema), with schema resolution, so a reader built from an older or newer version of a
 * contract reads what Avro's rules allow. Thread-safe; one instance serves every call.
 * {@code Courier} finds it on the class path by itself; a client picks it with
 * {@code courier.client(X.class).format("application/avro")}.
 *
 * <h2>The writer's schema travels by fingerprint</h2>
 *
 * Every body is labelled {@code application/avro; fingerprint=<16 hex digits>}: the
 * CRC-64-AVRO fingerprint of the writer's schema in its parsing canonical form
 * ({@link SchemaNormalization#parsingFingerprint64}). The fingerprint rides in the
 * {@code Content-Type} rather than in a header of its own because it qualifies the media type
 * and nothing else: wherever a transport carries a content type it can travel with it (the
 * REST transport sends it both ways), and a cache varying on {@code Content-Type} tells bodies
 * of two schemas apart. A reader whose own schema has that
 * fingerprint reads directly; otherwise it looks the writer's schema up in its
 * {@link SchemaStore} and resolves. A body without a fingerprint is read as written with the
 * reader's own schema. An unknown fingerprint is refused with
 * {@link InvalidArgumentException} (HTTP 400) naming it.
 *
 * <h2>The schema store</h2>
 *
 * Avro's own {@link SchemaStore} interface: a codec adds every schema it writes with to its
 * in-memory store, so peers sharing the codec's store (or one JVM's codecs built on the same
 * store) read each other. Two services built from different versions of a contract in
 * different processes need a store both can reach: plug one in with
 * {@link Builder#schemaStore(SchemaStore)} (a schema registry client, or a
 * {@link SchemaStore.Cache} filled with the versions you publish).
 *
 * <pre>{@code
 * SchemaStore.Cache store = new SchemaStore.Cache();
 * store.addSchema(AvroCodec.schemaOf(OrderV1.class));
 * Courier courier = Courier.builder().codec(AvroCodec.builder().schemaStore(store).build()).build();
 * }</pre>
 *
 * <h2>Records</h2>
 *
 * A record is an Avro record named by its simple name in its package's namespace (the
 * enclosing classes are left out, so a record keeps its name across versions of a contract),
 * one field per component in declaration order. Lists, sets and maps default to empty,
 * primitives to 0 or {@code false}; every other component is a union with null, default null,
 * whether it is required or not: codecs report absence and Courier's null rule decides, the
 * same for every format, so a required component a writer lacks is refused naming it, as in
 * JSON. {@code @AvroAlias} on a component names the fields it was called before. The type
 * table is in {@code docs/formats.md}.
 *
 * <h2>Bounded</h2>
 *
 * Before decoding, the body is walked against the writer's schema: every declared length must
 * fit in what remains of the body and within {@link Limits}, and so must element counts and
 * nesting, so Avro's decoder never allocates more than the body's size. Bad input raises
 * {@link InvalidArgumentException} naming the path, e.g.
 * {@code body: $.lines[2].sku: declared length 2147483647 with 3 bytes left (...)}.
 */
public final class AvroCodec implements Codec {
    /** The media type this codec reads and writes. */
    public static final String MEDIA_TYPE = "application/avro";
    /** The {@code Content-Type} parameter naming the writer's schema. */
    public static final String FINGERPRINT = "fingerprint";

    private final SchemaStore store;
    private final SchemaStore.Cache own = new SchemaStore.Cache();
    private final Limits limits;
    private final AvroTypes types;
    private final ConcurrentMap<Type, Writer> writers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Resolution, Queue<ResolvingDecoder>> decoders = new ConcurrentHashMap<>();

    /** A codec with an in-memory store and the default limits: what {@link java.util.ServiceLoader} calls. */
    public AvroCodec() {
        this(null, Limits.defaults());
    }

    private AvroCodec(SchemaStore store, Limits limits) {
        this.store = store;
        this.limits = limits;
        this.types = new AvroTypes(limits);
    }

    /** A codec with an in-memory store and the default limits. */
    public static AvroCodec create() {
        return new AvroCodec();
    }

    /** A builder, to plug in a schema store. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The schema values of {@code type} are written with: a record's derived schema, a
     * generated class's own.
     *
     * @throws IllegalArgumentException naming the type when it has no Avro form
     */
    public static Schema schemaOf(Type type) {
        return new AvroCodec().writer(type).schema;
    }

    @Override
    public AvroCodec withLimits(Limits limits) {
        Objects.requireNonNull(limits, "limits");
        return limits.equals(this.limits) ? this : new AvroCodec(store, limits);
    }

    @Override
    public String mediaType() {
        return MEDIA_TYPE;
    }

    @Override
    public String contentType(Type type) {
        return writer(type).contentType;
    }

    @Override
    public byte[] encode(Object value, Type type) {
        if (value == null) {
            return new byte[0]; // an absent body, as the transports read an empty one
        }
        Writer w = writer(type == null || type == Object.class ? value.getClass() : type);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            if (w.specific != null) {
                w.specific.write((SpecificRecord) value, out);
            } else {
                w.type.write(out, value);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            InternalException error = new InternalException("cannot encode a " + typeName(type) + " as Avro: "
                    + e.getMessage());
            error.addSuppressed(e); // for the server's log; the message is all the caller sees
            throw error;
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        return decode(bytes, type, null);
    }

    @Override
    public Object decode(byte[] bytes, Type type, String contentType) {
        Objects.requireNonNull(bytes, "bytes");
        limits.checkDecodedBytes("body", bytes.length);
        Writer reader = readerFor(type);
        if (bytes.length == 0 && !(reader.schema.getType() == Schema.Type.RECORD && reader.schema.getFields().isEmpty())) {
            return null; // an absent body: null is written as no bytes at all, and the null rule decides
        }
        Schema writerSchema = writerSchema(contentType, reader);
        try {
            BoundsCheck.check(writerSchema, bytes, limits);
            if (reader.specific != null) {
                SpecificDatumReader<Object> r = new SpecificDatumReader<>(writerSchema, reader.schema, reader.classes);
                return r.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            }
            Resolution key = new Resolution(writerSchema, reader.schema);
            Queue<ResolvingDecoder> pool = decoders.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
            ResolvingDecoder in = pool.poll();
            if (in == null) {
                // Aliases first, as Avro's own datum readers do: a renamed field reads its old name.
                in = DecoderFactory.get().resolvingDecoder(Schema.applyAliases(writerSchema, reader.schema),
                        reader.schema, null);
            }
            in.configure(DecoderFactory.get().binaryDecoder(bytes, null));
            Object value = reader.type.read(in);
            in.drain();
            pool.offer(in);
            return value;
        } catch (DecodeFailure f) {
            throw f.toException();
        } catch (AvroTypeException e) {
            throw new InvalidArgumentException("body: written with schema " + hex(SchemaNormalization
                    .parsingFingerprint64(writerSchema)) + ", which cannot be read as " + reader.schema.getFullName()
                    + ": " + e.getMessage() + " (expected: a writer schema Avro's resolution rules accept)");
        } catch (IOException | AvroRuntimeException e) {
            throw new InvalidArgumentException("body: malformed Avro: " + e.getMessage());
        }
    }

    private Writer readerFor(Type type) {
        try {
            return writer(type);
        } catch (IllegalArgumentException e) {
            throw new InternalException("cannot decode Avro into " + typeName(type) + ": " + e.getMessage());
        }
    }

    /** The schema named by {@code contentType}'s fingerprint, the reader's own when it names none. */
    private Schema writerSchema(String contentType, Writer reader) {
        String fp = parameter(contentType, FINGERPRINT);
        if (fp == null) {
            return reader.schema;
        }
        long fingerprint;
        try {
            fingerprint = Long.parseUnsignedLong(fp, 16);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("content-type: fingerprint=" + abbreviate(fp)
                    + " (expected: the 16 hex digits of a CRC-64-AVRO schema fingerprint)");
        }
        if (fingerprint == reader.fingerprint) {
            return reader.schema;
        }
        Schema found = own.findByFingerprint(fingerprint);
        if (found == null && store != null) {
            found = store.findByFingerprint(fingerprint);
        }
        if (found == null) {
            throw new InvalidArgumentException("content-type: fingerprint=" + hex(fingerprint)
                    + ": unknown writer schema (expected: a schema in this service's Avro schema store; the reader's"
                    + " own is " + hex(reader.fingerprint) + ")");
        }
        return found;
    }

    private Writer writer(Type type) {
        return writers.computeIfAbsent(type, t -> {
            Writer w = new Writer(t, types);
            own.addSchema(w.schema);
            return w;
        });
    }

    /** How values of one Java type are written and read, with its schema and fingerprint. */
    private static final class Writer {
        final Schema schema;
        final long fingerprint;
        final String contentType;
        final AvroType type;
        final SpecificDatumWriter<SpecificRecord> specific;
        final ContractClasses classes;

        Writer(Type t, AvroTypes types) {
            if (t instanceof Class<?> c && SpecificRecord.class.isAssignableFrom(c)) {
                this.schema = SpecificData.get().getSchema(c);
                this.type = null;
                this.classes = new ContractClasses(c, schema);
                this.specific = new SpecificDatumWriter<>(schema, classes);
            } else {
                this.type = types.of(t);
                this.schema = type.schema();
                this.specific = null;
                this.classes = null;
            }
            this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
            this.contentType = MEDIA_TYPE + "; " + FINGERPRINT + "=" + hex(fingerprint);
        }
    }

    private record Resolution(Schema writer, Schema reader) {
    }

    /** The value of {@code name} among a content type's parameters, or null. */
    static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
                String v = p.substring(eq + 1).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static String hex(long fingerprint) {
        return HexFormat.of().toHexDigits(fingerprint);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String typeName(Type type) {
        return type instanceof Class<?> c ? c.getSimpleName() : String.valueOf(type);
    }

    @Override
    public String toString() {
        return "AvroCodec[" + MEDIA_TYPE + "]";
    }

    /** Options of an {@link AvroCodec}. Not thread-safe. */
    public static final class Builder {
        private SchemaStore store;
        private Limits limits = Limits.defaults();

        private Builder() {
        }

        /**
         * Where writer schemas the codec has not written itself are found by fingerprint
         * (default: none beyond the codec's own in-memory store).
         */
        public Builder schemaStore(SchemaStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The decode limits (default {@link Limits#defaults()}; {@code Courier} applies its own). */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The codec. */
        public AvroCodec build() {
            return new AvroCodec(store, limits);
        }
    }
}
