package io.courier.grpc;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.protobuf.ProtoService;

/**
 * The names a contract takes in gRPC: its {@code package}, its {@code service} and each
 * method's {@code rpc}, hence the path {@code /package.Service/Rpc} it is served on. The same
 * names as the {@code .proto} export of {@code courier-protobuf} ({@code ProtoService} with its
 * default package), so stubs generated from the export call the server. Stateless.
 *
 * <ul>
 *   <li>The package is the contract's service name in snake_case, each dot-separated part on
 *       its own: {@code @Service("orderService")} is {@code order_service},
 *       {@code @Service("shop.v1")} is {@code shop.v1}.</li>
 *   <li>The service is the interface's simple name: {@code OrderService}.</li>
 *   <li>An rpc is the Java method's name with a capital: {@code getOrder} is {@code GetOrder}.</li>
 * </ul>
 * So a contract takes the name of an existing {@code .proto} service by its package and
 * interface name: {@code @Service("helloworld") interface Greeter} is
 * {@code helloworld.Greeter}.
 *
 * <pre>{@code
 * GrpcNames.path(service, service.method("getOrder").orElseThrow()) // "/order_service.OrderService/GetOrder"
 * }</pre>
 */
public final class GrpcNames {
    private GrpcNames() {
    }

    /** The Protobuf package, e.g. {@code order_service}: {@link ProtoService#defaultPackage(String)}. */
    public static String packageName(ServiceDescriptor service) {
        return ProtoService.defaultPackage(service.name());
    }

    /** The service's simple name, e.g. {@code OrderService}: the contract interface's. */
    public static String serviceSimpleName(ServiceDescriptor service) {
        return service.type().getSimpleName();
    }

    /** The fully qualified service name, e.g. {@code order_service.OrderService}. */
    public static String serviceName(ServiceDescriptor service) {
        return packageName(service) + "." + serviceSimpleName(service);
    }

    /** The rpc's name, e.g. {@code GetOrder} for {@code getOrder}. */
    public static String methodName(MethodDescriptor method) {
        String n = method.name();
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /** The HTTP/2 path a call of {@code method} is sent to, e.g. {@code /order_service.OrderService/GetOrder}. */
    public static String path(ServiceDescriptor service, MethodDescriptor method) {
        return "/" + serviceName(service) + "/" + methodName(method);
    }

    /**
     * A Protobuf field (or package part) name for a Java or header name: {@code orderId} is
     * {@code order_id}, {@code X-Request-Id} is {@code x_request_id}; {@link ProtoService#fieldName(String)}.
     */
    public static String fieldName(String name) {
        return ProtoService.fieldName(name);
    }
}
