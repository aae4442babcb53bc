package io.courier.http.internal;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/** How one contract method becomes a request, resolved once per method and then shared. */
final class ClientRoute {
    final MethodDescriptor method;
    final HttpMethod httpMethod;
    final ParameterDescriptor[] path;
    final ParameterDescriptor[] query;
    final ParameterDescriptor[] headers;
    final ParameterDescriptor body;

    ClientRoute(MethodDescriptor method) {
        this.method = method;
        this.httpMethod = HttpMethod.valueOf(method.httpMethod().name());
        List<ParameterDescriptor> p = new ArrayList<>();
        List<ParameterDescriptor> q = new ArrayList<>();
        List<ParameterDescriptor> h = new ArrayList<>();
        for (ParameterDescriptor d : method.parameters()) {
            switch (d.kind()) {
                case PATH -> p.add(d);
                case QUERY -> q.add(d);
                case HEADER -> h.add(d);
                case BODY -> { }
            }
        }
        this.path = p.toArray(ParameterDescriptor[]::new);
        this.query = q.toArray(ParameterDescriptor[]::new);
        this.headers = h.toArray(ParameterDescriptor[]::new);
        this.body = method.body().orElse(null);
    }
}
