package io.courier.grpc;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.util.Locale;

/**
 * The names a contract takes in gRPC: its {@code package}, its {@code service} and each
 * method's {@code rpc}, hence the path {@code /package.Service/Rpc} it is served on. The one
 * place these names are decided, shared by the transport and the {@code .proto} export so that
 * stubs generated from the export call the server. Stateless and thread-safe.
 *
 * <ul>
 *   <li>A service name with a dot is the full gRPC name as it stands:
 *       {@code @Service("helloworld.Greeter")} is service {@code Greeter} in package
 *       {@code helloworld}, so a contract can take the name of an existing {@code .proto}.</li>
 *   <li>Otherwise the package is {@code courier.} plus the name in snake_case, and the service is
 *       the name in UpperCamelCase: {@code @Service("consumer-service")} is
 *       {@code courier.consumer_service.ConsumerService}. One package per contract keeps the
 *       messages of two exported contracts apart.</li>
 *   <li>An rpc is the Java method's name with a capital: {@code getOrder} is {@code GetOrder}.</li>
 * </ul>
 *
 * <pre>{@code
 * GrpcNames.path(service, service.method("get").orElseThrow()) // "/courier.orders.Orders/Get"
 * }</pre>
 */
public final class GrpcNames {
    private GrpcNames() {
    }

    /** The Protobuf package, e.g. {@code courier.orders}. */
    public static String packageName(ServiceDescriptor service) {
        String name = service.name();
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            return name.substring(0, dot);
        }
        return "courier." + name.replace('-', '_').toLowerCase(Locale.ROOT);
    }

    /** The service's simple name, e.g. {@code Orders}. */
    public static String serviceSimpleName(ServiceDescriptor service) {
        String name = service.name();
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            return name.substring(dot + 1);
        }
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' || c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** The fully qualified service name, e.g. {@code courier.orders.Orders}. */
    public static String serviceName(ServiceDescriptor service) {
        return packageName(service) + "." + serviceSimpleName(service);
    }

    /** The rpc's name, e.g. {@code GetOrder} for {@code getOrder}. */
    public static String methodName(MethodDescriptor method) {
        String n = method.name();
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /** The HTTP/2 path a call of {@code method} is sent to, e.g. {@code /courier.orders.Orders/GetOrder}. */
    public static String path(ServiceDescriptor service, MethodDescriptor method) {
        return "/" + serviceName(service) + "/" + methodName(method);
    }
}
