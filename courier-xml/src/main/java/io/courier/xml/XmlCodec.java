package io.courier.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import com.ctc.wstx.stax.WstxOutputFactory;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import io.courier.spi.Codec;
import io.courier.xml.internal.BoundedNumbers;
import io.courier.xml.internal.XmlErrors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The {@code application/xml} {@link Codec}, on Jackson XML and Woodstox. Thread-safe; one
 * instance serves every call. {@code Courier} finds it on the class path (or module path) by
 * itself, so adding {@code courier-xml} is all a REST server needs to answer
 * {@code Accept: application/xml} and read {@code Content-Type: application/xml}; a client picks
 * it with {@code courier.client(X.class).format("application/xml")}.
 *
 * <p>What it reads and writes, the same values as the JSON codec:
 * <ul>
 *   <li>records (an element per component, the root named after the record), collections
 *       (an element per item inside the component's element), maps, {@code Optional}s and
 *       {@code java.time} values as ISO-8601 text;</li>
 *   <li>absent values are absent elements: {@code null} and {@code Optional.empty()} are not
 *       written, and a missing element reads as {@code null}, so Courier's null rule decides
 *       (an empty element {@code <note/>} is the empty string);</li>
 *   <li>a tolerant reader, as for JSON: unknown elements are ignored, missing primitives read
 *       as 0 or {@code false}; no default typing, so no class named by the payload is ever
 *       loaded;</li>
 *   <li>no document type declarations: a body with a {@code <!DOCTYPE ...>} is refused before
 *       anything in it is read, so no external entity is fetched (XXE) and no entity is
 *       expanded (the "billion laughs");</li>
 *   <li>bounded work, by {@link Limits}: the bytes of a body, the length of text and attribute
 *       values, the nesting depth, the children of one element, the digits and scale of
 *       numbers.</li>
 * </ul>
 *
 * <p>Bad input raises {@link InvalidArgumentException} whose message names where and what was
 * expected, e.g. {@code body: malformed XML at line 1, column 12: ...} or
 * {@code body: a DOCTYPE declaration (expected: XML without a DTD; entities and external
 * references are not read)}.
 *
 * <p>On the module path, the packages of your records must be open to
 * {@code com.fasterxml.jackson.databind}, as for JSON.
 */
public final class XmlCodec implements Codec {
    /** The media type this codec reads and writes. */
    public static final String MEDIA_TYPE = "application/xml";

    private final XmlMapper mapper;
    private final XMLInputFactory inputs;
    private final Limits limits;
    private final ConcurrentMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();

    /** A codec with the default limits: what {@link java.util.ServiceLoader} calls. Prefer {@link #create()} in code. */
    public XmlCodec() {
        this(Limits.defaults());
    }

    private XmlCodec(Limits limits) {
        this.limits = limits;
        this.inputs = inputFactory(limits);
        this.mapper = mapper(new XmlFactory(inputs, new WstxOutputFactory()), limits);
    }

    /** A codec with the default limits. */
    public static XmlCodec create() {
        return new XmlCodec();
    }

    /** This codec enforcing {@code limits}; what {@code Courier} calls with its own. */
    @Override
    public XmlCodec withLimits(Limits limits) {
        Objects.requireNonNull(limits, "limits");
        return limits.equals(this.limits) ? this : new XmlCodec(limits);
    }

    /**
     * Woodstox with no DTD support and no external entities at all (refused outright by
     * {@link #decode} as well, so that a DOCTYPE is an error and not silently skipped), and
     * Woodstox's own bounds set from {@code limits}.
     */
    private static XMLInputFactory inputFactory(Limits limits) {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("external reference " + systemId + " is not read");
        });
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, limits.maxNestingDepth());
        f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, limits.maxStringLength());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, limits.maxStringLength());
        f.setProperty(WstxInputProperties.P_MAX_CHILDREN_PER_ELEMENT, limits.maxElements());
        return f;
    }

    private static XmlMapper mapper(XmlFactory factory, Limits limits) {
        return XmlMapper.builder(factory)
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(BoundedNumbers.module(limits))
                // Absent is absent: null and Optional.empty() are not written, so they read back as
                // null (an empty element would read as the empty string).
                .serializationInclusion(JsonInclude.Include.NON_ABSENT)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(MapperFeature.DEFAULT_VIEW_INCLUSION)
                .build();
    }

    @Override
    public String mediaType() {
        return MEDIA_TYPE;
    }

    @Override
    public byte[] encode(Object value, Type type) {
        if (value == null) {
            return new byte[0]; // an absent body, as the transports read an empty one
        }
        Type declared = type == null || type == Object.class ? value.getClass() : type;
        try {
            return writers.computeIfAbsent(declared, t -> mapper.writerFor(mapper.constructType(t))).writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // The server's or client's own value: not the caller's fault (text XML 1.0 cannot carry, such as U+0001).
            InternalException error = new InternalException("cannot encode a " + XmlErrors.typeName(declared)
                    + " as XML: " + XmlErrors.clean(e.getOriginalMessage()));
            error.addSuppressed(e);
            throw error;
        }
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        Objects.requireNonNull(bytes, "bytes");
        limits.checkDecodedBytes("body", bytes.length);
        if (bytes.length == 0) {
            return null; // an absent value: null is written as no bytes at all, and the null rule decides
        }
        ObjectReader reader = readers.computeIfAbsent(type, t -> mapper.readerFor(mapper.constructType(t)));
        XMLStreamReader xml = null;
        try {
            xml = inputs.createXMLStreamReader(new ByteArrayInputStream(bytes));
            toRootElement(xml);
            return reader.readValue(mapper.getFactory().createParser(xml));
        } catch (XMLStreamException e) {
            throw XmlErrors.malformed(e);
        } catch (IOException e) {
            throw XmlErrors.translate(e, type);
        } finally {
            close(xml);
        }
    }

    /** Moves past the prolog, refusing a DOCTYPE before any of it is acted on. */
    private static void toRootElement(XMLStreamReader xml) throws XMLStreamException {
        int event = xml.getEventType();
        while (event != XMLStreamConstants.START_ELEMENT) {
            if (event == XMLStreamConstants.DTD) {
                throw XmlErrors.doctype();
            }
            if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw XmlErrors.entity(xml.getLocalName());
            }
            if (!xml.hasNext()) {
                throw new InvalidArgumentException("body: no root element (expected: an XML document)");
            }
            event = xml.next();
        }
    }

    private static void close(XMLStreamReader xml) {
        if (xml != null) {
            try {
                xml.close();
            } catch (XMLStreamException ignored) {
                // Nothing is held open: the input is a byte array.
            }
        }
    }

    @Override
    public String toString() {
        return "XmlCodec[" + MEDIA_TYPE + "]";
    }
}
