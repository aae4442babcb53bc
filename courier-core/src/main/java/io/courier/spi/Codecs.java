package io.courier.spi;

import io.courier.UnimplementedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The codecs a {@code Courier} knows, by media type, with content negotiation. The default,
 * used when a request names no type, is JSON when a JSON codec is registered (what a client
 * that says nothing expects, whatever else happens to be on the class path), otherwise the
 * first codec registered. Immutable and thread-safe.
 */
public final class Codecs {
    private static final String JSON = "application/json";

    private final Map<String, Codec> byType;
    private final Codec defaultCodec;

    private Codecs(Map<String, Codec> byType, Codec defaultCodec) {
        this.byType = byType;
        this.defaultCodec = defaultCodec;
    }

    /** Codecs in order of preference (later ones replace earlier ones of the same media type). */
    public static Codecs of(List<Codec> codecs) {
        Map<String, Codec> map = new LinkedHashMap<>();
        for (Codec c : codecs) {
            map.put(normalize(c.mediaType()), c);
        }
        Codec preferred = map.containsKey(JSON) ? map.get(JSON) : map.isEmpty() ? null : map.values().iterator().next();
        return new Codecs(java.util.Collections.unmodifiableMap(map), preferred);
    }

    /** The codec for a {@code Content-Type} value (parameters ignored), if any. */
    public Optional<Codec> forContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byType.get(normalize(contentType)));
    }

    /** The default codec, if there is any codec at all. */
    public Optional<Codec> defaultCodec() {
        return Optional.ofNullable(defaultCodec);
    }

    /**
     * The codec for a request's {@code Accept} header: the acceptable one with the highest
     * quality, the default for a missing header or a wildcard, empty when none is acceptable.
     */
    public Optional<Codec> negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return defaultCodec();
        }
        Codec best = null;
        double bestQ = 0;
        for (String part : accept.split(",")) {
            String[] pieces = part.split(";");
            String type = normalize(pieces[0]);
            double q = 1;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            Codec c = type.equals("*/*") || type.equals("application/*") ? defaultCodec : byType.get(type);
            if (c == null && type.endsWith("+json")) {
                c = byType.get("application/json");
            }
            if (c != null && q > bestQ) {
                best = c;
                bestQ = q;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The registered media types. */
    public List<String> mediaTypes() {
        return new ArrayList<>(byType.keySet());
    }

    /** The codec for {@code mediaType}, or an error that lists what is registered and what to add. */
    public Codec require(String mediaType) {
        return forContentType(mediaType).orElseThrow(() -> new UnimplementedException("no codec for " + mediaType
                + " (registered: " + mediaTypes() + "; add a codec module such as courier-json, or"
                + " Courier.builder().codec(...))"));
    }

    private static String normalize(String mediaType) {
        int semi = mediaType.indexOf(';');
        return (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
