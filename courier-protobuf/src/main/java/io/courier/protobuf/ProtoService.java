package io.courier.protobuf;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A contract as a Protobuf service: its package and name, one {@link MethodCodec} per method,
 * and the {@code .proto} file that declares it all, which {@code protoc} accepts and from which
 * stock gRPC stubs can be generated. Immutable and thread-safe.
 *
 * <pre>{@code
 * ProtoService orders = ProtoService.builder(OrderService.class).packageName("shop.v1").build();
 * Files.writeString(Path.of("orders.proto"), orders.toProto());
 * }</pre>
 *
 * <p>The package is, unless set, the contract's service name in snake_case
 * ({@code @Service("orderService")} gives {@code order_service}); the service takes the
 * interface's simple name, and each rpc the method's name with a capital. Every record and enum
 * reachable from the methods becomes a message or enum of the same simple name (a nested one
 * qualified by its enclosing class when two share one; never numbered: two left with one name
 * are refused, naming both). The mapping of types is in {@code docs/protobuf.md}.
 *
 * @see MethodCodec for the request and response messages of a method
 */
public final class ProtoService {
    private final ServiceDescriptor contract;
    private final String packageName;
    private final String javaPackage;
    private final Map<String, MethodCodec> methods = new LinkedHashMap<>();
    private final String proto;
    private final FileDescriptorProto descriptor;

    private ProtoService(Builder b) {
        this.contract = b.contract;
        this.packageName = b.packageName != null ? b.packageName : defaultPackage(contract.name());
        this.javaPackage = b.javaPackage;
        for (MethodDescriptor m : contract.methods()) {
            methods.put(m.name(), new MethodCodec(fullName(), m));
        }
        // Written now, so that every record and type reachable is checked when the service is built.
        ProtoFileWriter schema = new ProtoFileWriter(this);
        this.proto = schema.write();
        this.descriptor = new ProtoDescriptorWriter(schema).write(fileName());
    }

    /**
     * The service for a contract interface, with the default package.
     *
     * @throws io.courier.contract.InvalidContractException when the contract is invalid or uses
     *         a type Protobuf cannot carry (the message names the method or record and the type)
     */
    public static ProtoService of(Class<?> contract) {
        return builder(contract).build();
    }

    /** A builder for a contract interface. */
    public static Builder builder(Class<?> contract) {
        return new Builder(ServiceDescriptor.of(Objects.requireNonNull(contract, "contract")));
    }

    /**
     * The package a contract's service name gives when none is set: each dot-separated part in
     * snake_case, {@code "orderService"} is {@code order_service}, {@code "shop.v1"} is
     * {@code shop.v1}. The one rule, so that a transport naming services itself (gRPC) agrees
     * with the export.
     */
    public static String defaultPackage(String serviceName) {
        Objects.requireNonNull(serviceName, "serviceName");
        List<String> parts = new ArrayList<>();
        for (String part : serviceName.split("[.]")) {
            parts.add(fieldName(part));
        }
        return String.join(".", parts);
    }

    /**
     * The Protobuf field name the export gives a Java parameter, path variable, query parameter
     * or header name: snake_case, {@code orderId} is {@code order_id}, {@code X-Request-Id} is
     * {@code x_request_id}.
     */
    public static String fieldName(String name) {
        return io.courier.protobuf.internal.SchemaNames.snakeCase(Objects.requireNonNull(name, "name"));
    }

    /** The contract. */
    public ServiceDescriptor contract() {
        return contract;
    }

    /** The Protobuf package, e.g. {@code order_service}. */
    public String packageName() {
        return packageName;
    }

    /** The service's name in the {@code .proto} file: the interface's simple name. */
    public String name() {
        return contract.type().getSimpleName();
    }

    /** {@code package.Service}, as gRPC addresses it. */
    public String fullName() {
        return packageName + "." + name();
    }

    /** The {@code java_package} option written in the file, if any. */
    public Optional<String> javaPackage() {
        return Optional.ofNullable(javaPackage);
    }

    /** The methods, in the contract's order. */
    public List<MethodCodec> methods() {
        return List.copyOf(methods.values());
    }

    /** The method with this Java name, if any. */
    public Optional<MethodCodec> method(String javaName) {
        return Optional.ofNullable(methods.get(javaName));
    }

    /** The method whose rpc has this name ({@code GetOrder}), if any: what a gRPC path names. */
    public Optional<MethodCodec> rpc(String rpcName) {
        return methods.values().stream().filter(m -> m.rpcName().equals(rpcName)).findFirst();
    }

    /**
     * The {@code .proto} file (proto3) declaring the service, its request and response messages,
     * and every message and enum they reach.
     */
    public String toProto() {
        return proto;
    }

    /**
     * The name of the file, as other files would import it: the package as directories and the
     * service in snake_case, e.g. {@code shop/orders/v1/order_service.proto}.
     */
    public String fileName() {
        return packageName.replace('.', '/') + "/" + io.courier.protobuf.internal.SchemaNames.snakeCase(name()) + ".proto";
    }

    /**
     * The same file as {@link #toProto()}, as the descriptor {@code protoc} would compile it
     * to: what gRPC server reflection serves, and what builds a
     * {@link com.google.protobuf.Descriptors.FileDescriptor} (with the well-known types' and
     * imported files' descriptors as dependencies) for {@code DynamicMessage}s.
     */
    public FileDescriptorProto toFileDescriptorProto() {
        return descriptor;
    }

    @Override
    public String toString() {
        return "ProtoService[" + fullName() + ", " + methods.size() + " methods]";
    }

    /** Builds a {@link ProtoService}; not thread-safe. */
    public static final class Builder {
        private static final String PACKAGE = "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*";

        private final ServiceDescriptor contract;
        private String packageName;
        private String javaPackage;

        private Builder(ServiceDescriptor contract) {
            this.contract = contract;
        }

        /** The Protobuf package, e.g. {@code shop.orders.v1}; the service name in snake_case by default. */
        public Builder packageName(String packageName) {
            Objects.requireNonNull(packageName, "packageName");
            if (!packageName.matches(PACKAGE)) {
                throw new IllegalArgumentException("packageName: " + packageName
                        + " (expected: dot-separated identifiers such as shop.orders.v1)");
            }
            this.packageName = packageName;
            return this;
        }

        /**
         * The Java package for classes that {@code protoc} generates from the file (written as
         * {@code option java_package} with {@code java_multiple_files = true}), so that they stay
         * apart from the contract's own classes. None by default.
         */
        public Builder javaPackage(String javaPackage) {
            Objects.requireNonNull(javaPackage, "javaPackage");
            if (!javaPackage.matches(PACKAGE)) {
                throw new IllegalArgumentException("javaPackage: " + javaPackage + " (expected: a Java package name)");
            }
            this.javaPackage = javaPackage;
            return this;
        }

        /**
         * The service.
         *
         * @throws io.courier.contract.InvalidContractException when a method uses a type
         *         Protobuf cannot carry
         */
        public ProtoService build() {
            return new ProtoService(this);
        }
    }
}
