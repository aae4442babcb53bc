package io.courier.contract;

import io.courier.internal.PercentDecoding;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed path template such as {@code /orders/{id}/items}: literal segments and variables,
 * each variable a whole segment. Immutable and thread-safe.
 */
public final class PathTemplate {
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String template;
    private final List<String> segments;   // literal text, or null where a variable stands
    private final List<String> variables;  // variable name per segment, or null for literals

    private PathTemplate(String template, List<String> segments, List<String> variables) {
        this.template = template;
        this.segments = segments;
        this.variables = variables;
    }

    /**
     * Parses {@code template}.
     *
     * @throws IllegalArgumentException naming the problem, when the template is malformed
     */
    public static PathTemplate parse(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("path \"" + template + "\" (expected: a path starting with /)");
        }
        if (template.contains("//")) { // "//" alone would otherwise read as the root
            throw new IllegalArgumentException("path \"" + template + "\" has an empty segment (expected: no //)");
        }
        List<String> segments = new ArrayList<>();
        List<String> variables = new ArrayList<>();
        String body = template.length() > 1 && template.endsWith("/") ? template.substring(1, template.length() - 1)
                : template.substring(1);
        if (!body.isEmpty()) {
            for (String segment : body.split("/", -1)) {
                if (segment.isEmpty()) {
                    throw new IllegalArgumentException("path \"" + template + "\" has an empty segment (expected: no //)");
                }
                var m = VARIABLE.matcher(segment);
                if (m.matches()) {
                    String name = m.group(1);
                    if (variables.contains(name)) {
                        throw new IllegalArgumentException("path \"" + template + "\" names {" + name + "} twice");
                    }
                    segments.add(null);
                    variables.add(name);
                } else if (segment.contains("{") || segment.contains("}")) {
                    throw new IllegalArgumentException("path \"" + template + "\": segment \"" + segment
                            + "\" (expected: a literal, or a variable {name} as the whole segment)");
                } else {
                    segments.add(segment);
                    variables.add(null);
                }
            }
        }
        return new PathTemplate(template, nullable(segments), nullable(variables));
    }

    private static List<String> nullable(List<String> list) {
        return java.util.Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** The template as written. */
    public String template() {
        return template;
    }

    /** The variable names in order of appearance. */
    public List<String> variableNames() {
        return variables.stream().filter(v -> v != null).toList();
    }

    /** The number of segments. */
    public int size() {
        return segments.size();
    }

    /** The literal at {@code index}, or null where a variable stands. */
    public String literal(int index) {
        return segments.get(index);
    }

    /** The variable at {@code index}, or null where a literal stands. */
    public String variable(int index) {
        return variables.get(index);
    }

    /**
     * Matches already split, still percent-encoded path segments, returning the decoded
     * variables, or null when the path does not match.
     *
     * @throws IllegalArgumentException naming the variable, when a segment that matches one is
     *     not percent-encoded UTF-8 (a stray or truncated {@code %}, escaped bytes that are not
     *     UTF-8): the request is malformed, and the REST server answers 400 with the message
     */
    public Map<String, String> match(List<String> pathSegments) {
        if (pathSegments.size() != segments.size()) {
            return null;
        }
        Map<String, String> values = null;
        for (int i = 0; i < segments.size(); i++) {
            String literal = segments.get(i);
            String actual = pathSegments.get(i);
            if (literal != null) {
                if (!literal.equals(actual)) {
                    return null;
                }
            } else {
                if (values == null) {
                    values = new LinkedHashMap<>();
                }
                String name = variables.get(i);
                try {
                    values.put(name, PercentDecoding.decode(actual, false));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("path " + name + ": \"" + abbreviate(actual) + "\": " + e.getMessage());
                }
            }
        }
        return values == null ? Map.of() : values;
    }

    /** Whether both templates match exactly the same paths. */
    public boolean sameShape(PathTemplate other) {
        if (other.segments.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String a = segments.get(i);
            String b = other.segments.get(i);
            if (a == null ? b != null : !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    /** The path with each variable replaced by its percent-encoded value. */
    public String expand(Map<String, String> values) {
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            sb.append('/');
            String literal = segments.get(i);
            if (literal != null) {
                sb.append(literal);
            } else {
                String value = values.get(variables.get(i));
                if (value == null) {
                    throw new IllegalArgumentException("path variable {" + variables.get(i) + "}: null (expected: a value)");
                }
                sb.append(encodeSegment(value));
            }
        }
        return sb.toString();
    }

    /** Splits a raw request path into its segments (ignoring one trailing slash). */
    public static List<String> split(String path) {
        int end = path.length();
        if (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        List<String> out = new ArrayList<>(8);
        int start = 1;
        if (end <= 1) {
            return out;
        }
        for (int i = 1; i <= end; i++) {
            if (i == end || path.charAt(i) == '/') {
                out.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 128 ? s : s.substring(0, 125) + "...";
    }

    private static String encodeSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return template;
    }
}
