package io.courier.xml.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.courier.Limits;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Decimals and big integers read within {@link Limits}: XML carries numbers as text, so the
 * digits and the scale are checked before a {@code BigDecimal} exists ({@code 1e10000000} would
 * take ten million digits written out).
 */
public final class BoundedNumbers {
    private BoundedNumbers() {
    }

    /** A Jackson module reading {@code BigDecimal} and {@code BigInteger} with {@code limits}. */
    public static SimpleModule module(Limits limits) {
        SimpleModule module = new SimpleModule("courier-xml-numbers");
        module.addDeserializer(BigDecimal.class, new StdScalarDeserializer<>(BigDecimal.class) {
            @Override
            public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return limits.parseDecimal(where(p), p.getValueAsString().trim());
            }
        });
        module.addDeserializer(BigInteger.class, new StdScalarDeserializer<>(BigInteger.class) {
            @Override
            public BigInteger deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return limits.parseInteger(where(p), p.getValueAsString().trim());
            }
        });
        return module;
    }

    private static String where(JsonParser p) throws IOException {
        String name = p.currentName();
        return "body: " + (name == null ? "value" : name);
    }
}
