package io.courier.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gRPC names of a service, read from the {@code .proto} file its server serves at
 * {@code /contracts/<service>.proto}: the package, the service and its rpcs, hence each method's
 * path {@code /package.Service/Rpc}. Only these names are read; the messages are left to the
 * server, which decodes the request's JSON with the method's own types. Immutable.
 */
record ServedProto(String packageName, String service, List<String> rpcs) {
    // Indentation is [ \t]*, not \s*: a \s* that also ran over line breaks would be tried from every
    // line's start to the end of the text, quadratic in a file of blank lines.
    private static final Pattern PACKAGE = Pattern.compile("(?m)^[ \\t]*package[ \\t]+([\\w.]+)[ \\t]*;");
    private static final Pattern SERVICE = Pattern.compile("(?m)^[ \\t]*service[ \\t]+(\\w+)\\s*\\{");
    private static final Pattern RPC = Pattern.compile("(?m)^[ \\t]*rpc[ \\t]+(\\w+)[ \\t]*\\(");

    /** A served {@code .proto} whose names cannot be read. */
    static final class UnreadableProtoException extends RuntimeException {
        UnreadableProtoException(String message) {
            super(message);
        }
    }

    ServedProto {
        rpcs = List.copyOf(rpcs);
    }

    /**
     * The names in {@code text}, a {@code .proto} file.
     *
     * @throws UnreadableProtoException when it declares no service
     */
    static ServedProto parse(String text) {
        Matcher service = SERVICE.matcher(text);
        if (!service.find()) {
            throw new UnreadableProtoException("no service declared in the .proto file (expected: a line"
                    + " 'service NAME {', as courier-protobuf serves)");
        }
        Matcher pkg = PACKAGE.matcher(text);
        List<String> rpcs = new ArrayList<>();
        Matcher rpc = RPC.matcher(text);
        while (rpc.find()) {
            rpcs.add(rpc.group(1));
        }
        return new ServedProto(pkg.find() ? pkg.group(1) : "", service.group(1), rpcs);
    }

    /** The rpc of the Java method {@code method} ({@code getOrder} is {@code GetOrder}); either spelling is found. */
    Optional<String> rpc(String method) {
        String wanted = method.isEmpty() ? method : Character.toUpperCase(method.charAt(0)) + method.substring(1);
        return rpcs.stream().filter(r -> r.equals(wanted)).findFirst();
    }

    /** The HTTP/2 path of {@code rpc}, e.g. {@code /order_service.OrderService/Create}. */
    String path(String rpc) {
        return "/" + (packageName.isEmpty() ? "" : packageName + ".") + service + "/" + rpc;
    }
}
