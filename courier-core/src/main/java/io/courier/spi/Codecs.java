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
     * The codec for a request's {@code Accept} header, by RFC 9110's rules: each codec takes
     * the quality of the most specific range that matches its media type ({@code type/subtype},
     * then {@code type/*}, then {@code *}{@code /*}); {@code q=0} refuses a type. The codec with
     * the highest quality wins; among equals, the one matched by the more specific range, then
     * the one named first in the header, then the default codec, then the first registered. A
     * missing or blank header means the default codec; a {@code +json} range that is not
     * registered itself ({@code application/vnd.acme+json}) means JSON, except
     * {@code application/problem+json}, which only says the caller reads problem bodies.
     *
     * <pre>{@code
     * codecs.negotiate("application/xml;q=0.5, application/avro")  // the Avro codec
     * codecs.negotiate("application/*;q=0.2, application/json;q=0") // the first other application/ codec
     * }</pre>
     *
     * @return the codec to answer with, or empty when nothing registered is acceptable (HTTP 406)
     */
    public Optional<Codec> negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return defaultCodec();
        }
        List<Range> ranges = Range.parse(accept);
        Codec best = null;
        Range bestRange = null;
        for (Codec candidate : preferenceOrder()) {
            String type = normalize(candidate.mediaType());
            Range match = null;
            for (Range r : ranges) {
                if (r.matches(type) && (match == null || r.specificity > match.specificity)) {
                    match = r;
                }
            }
            if (match == null || match.q <= 0) {
                continue;
            }
            if (bestRange == null || match.q > bestRange.q
                    || (match.q == bestRange.q && (match.specificity > bestRange.specificity
                    || (match.specificity == bestRange.specificity && match.position < bestRange.position)))) {
                best = candidate;
                bestRange = match;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The default codec first, then the others in registration order: the tie-breaker of {@link #negotiate}. */
    private List<Codec> preferenceOrder() {
        List<Codec> order = new ArrayList<>(byType.size());
        if (defaultCodec != null) {
            order.add(defaultCodec);
        }
        for (Codec c : byType.values()) {
            if (c != defaultCodec) {
                order.add(c);
            }
        }
        return order;
    }

    /** One media range of an {@code Accept} header. */
    private record Range(String type, String subtype, double q, int specificity, int position) {
        static List<Range> parse(String accept) {
            List<Range> ranges = new ArrayList<>();
            String[] parts = accept.split(",");
            for (int i = 0; i < parts.length; i++) {
                String[] pieces = parts[i].split(";");
                String mediaRange = pieces[0].trim().toLowerCase(Locale.ROOT);
                int slash = mediaRange.indexOf('/');
                if (slash <= 0 || slash == mediaRange.length() - 1) {
                    continue; // not a media range: ignored, as RFC 9110 lets a server do
                }
                double q = 1;
                for (int j = 1; j < pieces.length; j++) {
                    String p = pieces[j].trim();
                    if (p.regionMatches(true, 0, "q=", 0, 2)) {
                        q = quality(p.substring(2).trim());
                    }
                }
                String type = mediaRange.substring(0, slash);
                String subtype = mediaRange.substring(slash + 1);
                int specificity = type.equals("*") ? 0 : subtype.equals("*") ? 1 : 2;
                ranges.add(new Range(type, subtype, q, specificity, i));
            }
            return ranges;
        }

        /** An invalid weight reads as 0: a range the caller could not state is not one to answer with. */
        private static double quality(String text) {
            try {
                double q = Double.parseDouble(text);
                return q >= 0 && q <= 1 ? q : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        boolean matches(String mediaType) {
            if (specificity == 0) {
                return true;
            }
            int slash = mediaType.indexOf('/');
            String t = mediaType.substring(0, slash);
            String s = mediaType.substring(slash + 1);
            if (!t.equals(type)) {
                return false;
            }
            if (specificity == 1 || s.equals(subtype)) {
                return true;
            }
            // application/vnd.acme+json asks for JSON when nothing registers that exact type.
            return s.equals("json") && subtype.endsWith("+json") && !subtype.equals("problem+json");
        }
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
