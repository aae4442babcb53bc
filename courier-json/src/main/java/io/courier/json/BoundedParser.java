package io.courier.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parser that enforces the {@link Limits} Jackson's {@code StreamReadConstraints} do not
 * cover: the scale of a decimal ({@code 1e10000000} is 14 bytes, and ten million digits once
 * something writes it out) and the elements of one array or object. Jackson itself bounds the
 * length of numbers and strings, the nesting depth and the document length (see
 * {@link #translate}). Counting reads the parser's own context, and only once the document has
 * more tokens than one container may hold elements, so below that it costs a comparison per
 * token. Not thread-safe, like the parser it wraps.
 */
final class BoundedParser extends JsonParserDelegate {
    private static final String PREFIX = "body: ";
    private static final Pattern CONSTRAINT = Pattern.compile("\\((\\d+)\\) exceeds the maximum allowed.*getMax(\\w+)\\(");

    private final Limits limits;
    private final long maxElements;
    // Tokens read so far. The element before which an array or object holds n elements is at
    // least its n + 2nd token (its start, one token per element before, itself), so no container
    // can pass the limit before more than maxElements tokens were read: until then the check is
    // one comparison instead of a walk over the parser's context.
    private long tokens;

    BoundedParser(JsonParser parser, Limits limits) {
        super(parser);
        this.limits = limits;
        this.maxElements = limits.maxElements();
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken t = delegate.nextToken();
        if (++tokens > maxElements) {
            checkElements(t);
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT && !plainScaleWithin(delegate.getTextCharacters(),
                delegate.getTextOffset(), delegate.getTextLength())) {
            checkScale(delegate.getText());
        }
        return t;
    }

    private void checkElements(JsonToken t) throws Exceeded {
        if (t == null || t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
            return;
        }
        JsonStreamContext container = delegate.getParsingContext();
        if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
            container = container.getParent(); // the context is already the new array or object
        }
        if (container != null && (container.inArray() || container.inObject() && t == JsonToken.FIELD_NAME)
                && container.getCurrentIndex() >= limits.maxElements()) {
            throw new Exceeded(this, Limits.exceeded(PREFIX + path(container.getParent()),
                    "more than " + limits.maxElements() + " elements", limits.maxElements(), "maxElements"));
        }
    }

    /** Routed through {@link #nextToken()}, which the delegate's own would bypass. */
    @Override
    public JsonToken nextValue() throws IOException {
        JsonToken t = nextToken();
        return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }

    /**
     * Whether the number in {@code chars} has no exponent and at most the allowed count of
     * fraction digits: the common case, read from the parser's buffer without making a String.
     */
    private boolean plainScaleWithin(char[] chars, int offset, int length) {
        int point = -1;
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == 'e' || c == 'E') {
                return false;
            } else if (c == '.') {
                point = i;
            }
        }
        return point < 0 || offset + length - point - 1 <= limits.maxDecimalScale();
    }

    private void checkScale(String number) throws Exceeded {
        int exponent = Math.max(number.indexOf('e'), number.indexOf('E'));
        int point = number.indexOf('.');
        long scale = exponent < 0 ? (point < 0 ? 0 : number.length() - point - 1) : Long.MIN_VALUE;
        if (scale != Long.MIN_VALUE && scale <= limits.maxDecimalScale()) {
            return; // no exponent: the scale is the count of fraction digits
        }
        String where = PREFIX + path(delegate.getParsingContext());
        BigDecimal value;
        try {
            value = new BigDecimal(number);
        } catch (NumberFormatException e) { // an exponent past what an int holds: a scale past any limit
            String shown = number.length() > 40 ? number.substring(0, 37) + "..." : number;
            throw new Exceeded(this, Limits.exceeded(where, "the scale of " + shown, limits.maxDecimalScale(),
                    "maxDecimalScale"));
        }
        try {
            limits.checkDecimal(where, value);
        } catch (InvalidArgumentException e) {
            throw new Exceeded(this, e);
        }
    }

    /**
     * The error for a limit passed while decoding, whether this parser found it or Jackson's
     * constraints did, worded as {@link Limits} words it; null for any other failure.
     */
    static InvalidArgumentException translate(Throwable e, JsonParser parser, Limits limits, byte[] input) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Exceeded x) {
                return x.error;
            }
            if (t instanceof StreamConstraintsException c) {
                return constraint(c, parser, limits, input);
            }
        }
        return null;
    }

    private static InvalidArgumentException constraint(StreamConstraintsException c, JsonParser parser, Limits limits,
                                                       byte[] input) {
        Matcher m = CONSTRAINT.matcher(String.valueOf(c.getOriginalMessage()));
        String where = PREFIX + (parser == null ? "$" : path(parser.getParsingContext()));
        if (!m.find()) {
            return new InvalidArgumentException(where + ": too large or too deep: " + DecodeErrors.clean(c.getOriginalMessage()));
        }
        long found = Long.parseLong(m.group(1));
        if (m.group(2).equals("StringLength") && inNumber(parser, input)) {
            // Jackson gathers a number's digits where it gathers strings, and measures them as one
            // before it gets to the number's own, smaller limit.
            return Limits.exceeded(where, "a number of more than " + found + " characters", limits.maxNumberLength(),
                    "maxNumberLength");
        }
        return switch (m.group(2)) {
            case "NumberLength" -> Limits.exceeded(where, "a number of " + found + " characters", limits.maxNumberLength(),
                    "maxNumberLength");
            case "StringLength" -> Limits.exceeded(where, "a string of " + found + " characters", limits.maxStringLength(),
                    "maxStringLength");
            case "NestingDepth" -> Limits.exceeded(where, "nesting of " + found + " levels", limits.maxNestingDepth(),
                    "maxNestingDepth");
            case "DocumentLength" -> Limits.exceeded(where, found + " bytes", limits.maxDecodedBytes(), "maxDecodedBytes");
            default -> new InvalidArgumentException(where + ": too large: " + DecodeErrors.clean(c.getOriginalMessage()));
        };
    }

    private static boolean inNumber(JsonParser parser, byte[] input) {
        if (parser == null) {
            return false;
        }
        // Back from where the tokenizer stopped, over what a number is made of: a quote there
        // means the characters were a string's. Linear, and only on this failure.
        long at = Math.min(parser.currentLocation().getByteOffset(), input.length) - 1;
        if (at < 0) {
            return false;
        }
        int i = (int) at;
        while (i >= 0 && isNumberPart(input[i])) {
            i--;
        }
        return i < at && (i < 0 || input[i] != '"');
    }

    private static boolean isNumberPart(byte b) {
        return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
    }

    /** {@code $.items[2].amount} for where the parser is. */
    static String path(JsonStreamContext context) {
        StringBuilder sb = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                sb.insert(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                String name = c.getCurrentName();
                name = name.length() > 64 ? name.substring(0, 61) + "..." : name;
                sb.insert(0, name.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? "." + name
                        : "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']");
            }
        }
        // A path 100 levels deep says no more than its end does.
        return sb.length() <= 200 ? "$" + sb : "$..." + sb.substring(sb.length() - 120);
    }

    /** A limit passed; an I/O exception so that Jackson passes it on (wrapped) rather than swallowing it. */
    static final class Exceeded extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        private final transient InvalidArgumentException error;

        Exceeded(JsonParser parser, InvalidArgumentException error) {
            super(error.getMessage(), parser.currentLocation());
            this.error = error;
        }
    }
}
