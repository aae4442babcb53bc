package io.courier.http.internal;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.PathTemplate;
import io.courier.contract.ServiceDescriptor;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The served routes, grouped by number of path segments and ordered by specificity, so a
 * request is matched against the few templates of its length only. Immutable: registering a
 * service builds a new table.
 */
final class RouteTable {
    static final RouteTable EMPTY = new RouteTable(new Route[0][]);

    /** The outcome of a lookup: a route and its path variables, or the methods the path allows. */
    record Match(Route route, Map<String, String> variables, Set<String> allowed) {
        boolean found() {
            return route != null;
        }

        boolean pathKnown() {
            return route != null || !allowed.isEmpty();
        }
    }

    private static final Match NONE = new Match(null, Map.of(), Set.of());

    private final Route[][] bySize;

    private RouteTable(Route[][] bySize) {
        this.bySize = bySize;
    }

    /**
     * A table with the routes of {@code service} added.
     *
     * @throws IllegalStateException when a route has the same method and path shape as a served one
     */
    RouteTable with(ServiceDescriptor service) {
        List<Route> all = new ArrayList<>();
        for (Route[] routes : bySize) {
            if (routes != null) {
                all.addAll(Arrays.asList(routes));
            }
        }
        for (MethodDescriptor method : service.methods()) {
            Route added = new Route(service, method);
            for (Route existing : all) {
                if (existing.httpMethod.equals(added.httpMethod) && existing.path.sameShape(added.path)) {
                    throw new IllegalStateException("route " + added.httpMethod + " " + added.path + " of "
                            + method.fullName() + " is already served by " + existing.method.fullName());
                }
            }
            all.add(added);
        }
        int max = all.stream().mapToInt(r -> r.path.size()).max().orElse(0);
        Route[][] table = new Route[max + 1][];
        for (int size = 0; size <= max; size++) {
            int n = size;
            table[size] = all.stream().filter(r -> r.path.size() == n).sorted(Route::bySpecificity).toArray(Route[]::new);
        }
        return new RouteTable(table);
    }

    /**
     * The route for {@code method} on the raw (still percent-encoded) {@code path}. HEAD takes
     * the route GET would (RFC 9110 9.3.2: wherever GET is served, HEAD is), and is allowed
     * wherever GET is.
     *
     * @throws IllegalArgumentException naming the variable, when a path segment that matches one
     *     is not percent-encoded UTF-8
     */
    Match match(HttpMethod method, String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return NONE;
        }
        List<String> segments = PathTemplate.split(path);
        if (segments.size() >= bySize.length) {
            return NONE;
        }
        boolean head = method.equals(HttpMethod.HEAD);
        Match get = null;
        Set<io.courier.contract.HttpMethod> allowed = null;
        for (Route route : bySize[segments.size()]) {
            Map<String, String> variables = route.path.match(segments);
            if (variables == null) {
                continue;
            }
            if (route.httpMethod.equals(method)) {
                return new Match(route, variables, Set.of());
            }
            if (head && get == null && route.httpMethod.equals(HttpMethod.GET)) {
                get = new Match(route, variables, Set.of());
            }
            if (allowed == null) {
                allowed = EnumSet.noneOf(io.courier.contract.HttpMethod.class);
            }
            allowed.add(route.method.httpMethod());
        }
        if (get != null) {
            return get;
        }
        if (allowed == null) {
            return NONE;
        }
        Set<String> names = new LinkedHashSet<>();
        for (io.courier.contract.HttpMethod m : allowed) {
            names.add(m.name());
            if (m == io.courier.contract.HttpMethod.GET) {
                names.add(HttpMethod.HEAD.name());
            }
        }
        return new Match(null, Map.of(), names);
    }
}
