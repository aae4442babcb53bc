package io.courier.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import io.courier.spi.Codec;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code application/json} {@link Codec}, on Jackson. Thread-safe; one instance serves every
 * call. {@code Courier} finds it on the class path (or module path) by itself; register a
 * customised one with {@code Courier.builder().codec(JsonCodec.create(mapper))}.
 *
 * <pre>{@code
 * ObjectMapper mapper = JsonCodec.mapperBuilder().addModule(new MyModule()).build();
 * Courier courier = Courier.builder().codec(JsonCodec.create(mapper)).build();
 * }</pre>
 *
 * <p>What the default mapper reads and writes:
 * <ul>
 *   <li>records and classes with a usable constructor, collections, maps, arrays,
 *       {@code Optional} (absent as {@code null}) and {@code java.time} values as ISO-8601
 *       strings ({@code "2024-05-01T10:15:30Z"}, {@code "PT1.5S"}), never as numbers;</li>
 *   <li>no default typing: a value is decoded only into the type the contract declares, and a
 *       type id in the payload ({@code "@class"}, {@code "@type"}) is an ordinary unknown
 *       property, so no class named by a caller is ever loaded or instantiated;</li>
 *   <li>a tolerant reader, so contracts can evolve: unknown properties are ignored, missing
 *       ones are {@code null} ({@code Optional.empty()} for an {@code Optional}), and a missing
 *       or {@code null} primitive ({@code int}, {@code boolean}, ...) is its default, 0 or
 *       {@code false}, as in Protobuf. Declare a component as a boxed type or an
 *       {@code Optional} when "absent" must differ from zero;</li>
 *   <li>strict scalars: a number for an enum, a string for a
 *       number or boolean ({@code "42"} for an {@code int}), a number or boolean for a string,
 *       a fraction for an integer ({@code 1.5} or {@code 1.0} for an {@code int}), and a number
 *       for a boolean are all rejected. The only widening is an integer for a floating-point
 *       number ({@code 1} for a {@code double}), which JSON does not distinguish;</li>
 *   <li>bounded work: numbers of at most 1,000 characters, decimal scales within ±1,000
 *       ({@code 1e10000000} is refused), strings of at most 16 Mi characters, 100 levels of
 *       nesting, 1,000,000 elements per array or object, 16 MiB per body: the
 *       {@link Limits#defaults() default limits}, or those given to {@link #withLimits(Limits)}
 *       ({@code Courier.builder().limits(...)} does that for every codec);</li>
 *   <li>decimals written as {@code BigDecimal.toString()} does: {@code 1E+10000000}, never ten
 *       million digits.</li>
 * </ul>
 *
 * <p>Bad input raises {@link io.courier.InvalidArgumentException} whose message names the JSON
 * path, the value found and what was expected, e.g.
 * {@code body: $.items[2].quantity: "abc" (expected: an integer)} or
 * {@code body: malformed JSON at line 1, column 14: ...} or
 * {@code body: $.amount: scale -10000000 exceeds the limit 1000 (maxDecimalScale)}; it never contains the mapper's own
 * class names or a stack trace, so it is safe to send back to the caller.
 *
 * <p>On the module path, the packages of your records must be open to
 * {@code com.fasterxml.jackson.databind} ({@code opens com.example.orders to com.fasterxml.jackson.databind;}).
 */
public final class JsonCodec implements Codec {
    /** The media type this codec reads and writes. */
    public static final String MEDIA_TYPE = "application/json";

    private final ObjectMapper mapper;
    private final Limits limits;
    // Readers and writers bound to a type are immutable and much cheaper than resolving the
    // type on every call.
    private final ConcurrentMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();

    /**
     * A codec with the default mapper: what {@link java.util.ServiceLoader} calls. Prefer
     * {@link #create()} in code.
     */
    public JsonCodec() {
        this(mapperBuilder().build(), Limits.defaults());
    }

    private JsonCodec(ObjectMapper mapper, Limits limits) {
        this.mapper = mapper;
        this.limits = limits;
        // Jackson's own constraints bound what its tokenizer reads; BoundedParser the rest.
        mapper.getFactory().setStreamReadConstraints(constraints(limits));
        // 1E+10000000 must stay 11 characters on the way out, never become ten million digits.
        mapper.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, false);
    }

    /** A codec with the default mapper described above. */
    public static JsonCodec create() {
        return new JsonCodec();
    }

    /**
     * A codec using {@code mapper} as it is. Start from {@link #mapperBuilder()} to keep the
     * defaults described above; a mapper with default typing enabled would defeat the promise
     * never to instantiate a class named by the payload, so do not enable it.
     */
    public static JsonCodec create(ObjectMapper mapper) {
        return new JsonCodec(Objects.requireNonNull(mapper, "mapper").copy(), Limits.defaults());
    }

    /**
     * This codec's mapper enforcing {@code limits}: numbers, decimal scales, strings, nesting,
     * elements per array or object, and the bytes of a body. What {@code Courier} calls with
     * its own limits; the mapper's {@code StreamReadConstraints} are replaced by these.
     */
    @Override
    public JsonCodec withLimits(Limits limits) {
        Objects.requireNonNull(limits, "limits");
        return limits.equals(this.limits) ? this : new JsonCodec(mapper.copy(), limits);
    }

    private static StreamReadConstraints constraints(Limits limits) {
        return StreamReadConstraints.builder()
                .maxNumberLength(limits.maxNumberLength())
                .maxStringLength(limits.maxStringLength())
                .maxNestingDepth(limits.maxNestingDepth())
                .maxDocumentLength(limits.maxDecodedBytes())
                .build();
    }

    /** A mapper builder with Courier's settings, to add modules or change settings before building. */
    public static JsonMapper.Builder mapperBuilder() {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints(Limits.defaults())).build();
        JsonMapper.Builder b = JsonMapper.builder(factory)
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // Absent or null primitives read as their default (0, false), as in Protobuf, so a
                // record can gain a primitive component without breaking older writers.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(MapperFeature.DEFAULT_VIEW_INCLUSION);
        b.withCoercionConfig(LogicalType.Integer, c -> c
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
        b.withCoercionConfig(LogicalType.Float, c -> c
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
        b.withCoercionConfig(LogicalType.Boolean, c -> c
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
        b.withCoercionConfig(LogicalType.Textual, c -> c
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
        b.withCoercionConfig(LogicalType.Enum, c -> c
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
        return b;
    }

    @Override
    public String mediaType() {
        return MEDIA_TYPE;
    }

    @Override
    public byte[] encode(Object value, Type type) {
        Type declared = type == null || type == Object.class ? (value == null ? Object.class : value.getClass()) : type;
        try {
            ObjectWriter writer = writers.get(declared);
            if (writer == null) {
                writer = writers.computeIfAbsent(declared, t -> mapper.writerFor(mapper.constructType(t)));
            }
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // A value the server or client itself produced: not the caller's fault, and the
            // mapper's text may name internals, so it stays in the cause.
            InternalException error = new InternalException("cannot encode a " + typeName(declared) + " as JSON: "
                    + DecodeErrors.clean(e.getOriginalMessage()));
            error.addSuppressed(e); // its cause is fixed at null, so initCause would throw
            throw error;
        }
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        Objects.requireNonNull(bytes, "bytes");
        ObjectReader reader = readers.get(type); // a lookup that allocates no capturing lambda
        if (reader == null) {
            reader = readers.computeIfAbsent(type, t -> mapper.readerFor(mapper.constructType(t))
                    // Checked below with a clearer message than the mapper's.
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        }
        // The parser is ours, not the reader's, so that on a mismatch it still holds the
        // offending token for the message.
        limits.checkDecodedBytes("body", bytes.length);
        try (JsonParser parser = new BoundedParser(reader.createParser(bytes), limits)) {
            try {
                if (parser.nextToken() == null) {
                    throw DecodeErrors.empty();
                }
                Object value = reader.readValue(parser);
                if (parser.nextToken() != null) {
                    throw DecodeErrors.trailing(parser);
                }
                return value;
            } catch (IOException e) {
                throw failure(e, parser, type, bytes);
            }
        } catch (IOException e) {
            throw failure(e, null, type, bytes);
        }
    }

    private RuntimeException failure(IOException e, JsonParser parser, Type type, byte[] bytes) {
        InvalidArgumentException limit = BoundedParser.translate(e, parser, limits, bytes);
        return limit != null ? limit : DecodeErrors.translate(e, parser, type);
    }

    @Override
    public String toString() {
        return "JsonCodec[" + MEDIA_TYPE + "]";
    }

    private static String typeName(Type type) {
        return type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
    }
}
