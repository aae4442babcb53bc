package io.courier.http;

import io.courier.contract.ServiceDescriptor;
import io.courier.http.internal.OpenApiEndpoint;
import java.util.List;
import java.util.Objects;

/**
 * The OpenAPI 3.1 description of contracts, as a running server serves it at
 * {@code /openapi.json}, without a server: what {@code courier contract export} writes.
 */
public final class OpenApi {
    private OpenApi() {
    }

    /**
     * The description of {@code contracts} in JSON.
     *
     * @param title      the document's title (a server uses its {@code Courier}'s name)
     * @param contracts  the contract interfaces
     * @param mediaTypes the formats listed for each body besides JSON, e.g.
     *                   {@code application/x-protobuf}
     * @throws io.courier.contract.InvalidContractException when an interface is not a valid contract
     */
    public static String json(String title, List<Class<?>> contracts, List<String> mediaTypes) {
        Objects.requireNonNull(title, "title");
        return OpenApiEndpoint.json(title, contracts.stream().map(ServiceDescriptor::of).toList(),
                List.copyOf(mediaTypes));
    }
}
