package io.courier.contract;

import io.courier.annotation.Body;
import io.courier.annotation.Delete;
import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.Idempotent;
import io.courier.annotation.OneWay;
import io.courier.annotation.Patch;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Put;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.internal.Nullability;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/** Reads a contract interface into a {@link ServiceDescriptor}, checking everything eagerly. */
final class ContractParser {
    private static final ClassValue<ServiceDescriptor> CACHE = new ClassValue<>() {
        @Override
        protected ServiceDescriptor computeValue(Class<?> type) {
            return new ContractParser(type).parse();
        }
    };

    private final Class<?> type;
    private final String where;

    private ContractParser(Class<?> type) {
        this.type = type;
        this.where = type.getSimpleName();
    }

    static ServiceDescriptor describe(Class<?> contract) {
        if (contract == null) {
            throw new NullPointerException("contract");
        }
        return CACHE.get(contract);
    }

    private ServiceDescriptor parse() {
        if (!type.isInterface() || type.isAnnotation()) {
            throw fail(type.getName() + ": not an interface (expected: an interface annotated @Service)");
        }
        Service service = type.getAnnotation(Service.class);
        if (service == null) {
            throw fail(type.getName() + ": no @Service annotation (expected: @Service on the contract interface)");
        }
        if (type.getTypeParameters().length > 0) {
            throw fail(where + ": generic interface (expected: a contract without type parameters)");
        }
        String name = service.value().isEmpty() ? decapitalize(type.getSimpleName()) : service.value();
        if (!name.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw fail(where + ": service name \"" + name + "\" (expected: letters, digits, '_', '-', '.', starting with a letter)");
        }
        List<MethodDescriptor> methods = new ArrayList<>();
        Map<String, Method> names = new HashMap<>();
        for (Method m : type.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            Method previous = names.put(m.getName(), m);
            if (previous != null) {
                throw fail(where + "." + m.getName() + ": overloaded (expected: one method per name, since gRPC and"
                        + " messages address methods by name)");
            }
            methods.add(method(name, m));
        }
        if (methods.isEmpty()) {
            throw fail(where + ": no abstract methods (expected: at least one remote method)");
        }
        methods.sort((a, b) -> a.name().compareTo(b.name()));
        checkRoutes(methods);
        return new ServiceDescriptor(type, name, methods);
    }

    /** The HTTP route of a method: its verb, its template and the parsed path. */
    private record Route(HttpMethod verb, String template, PathTemplate path) {
    }

    /** A method's parameters, and whether one of them streams the requests. */
    private record Parameters(List<ParameterDescriptor> list, boolean streamsRequests) {
    }

    /** What a method returns: its shape, the result type and whether it streams the responses. */
    private record Result(MethodDescriptor.Shape shape, Type type, boolean streamsResponses) {
    }

    /**
     * One contract method, parsed in one step per concern (route, parameters, result, the rules
     * that join them), each error naming the method and what was expected.
     */
    private MethodDescriptor method(String serviceName, Method m) {
        String at = where + "." + m.getName();
        if (m.getTypeParameters().length > 0) {
            throw fail(at + ": generic method (expected: concrete parameter and result types)");
        }
        Route route = route(at, serviceName, m);
        Parameters params = parameters(at, m, route);
        Result result = result(at, m);
        boolean oneWay = m.isAnnotationPresent(OneWay.class);
        if (oneWay && m.getGenericReturnType() != void.class) {
            throw fail(at + ": @OneWay returns " + m.getGenericReturnType().getTypeName() + " (expected: void)");
        }
        if (oneWay && params.streamsRequests()) {
            throw fail(at + ": @OneWay with a Stream parameter (expected: a stream method waits for its result)");
        }
        boolean idempotent = m.isAnnotationPresent(Idempotent.class) || route.verb().idempotent();
        MethodDescriptor.Streaming streaming = params.streamsRequests()
                ? (result.streamsResponses() ? MethodDescriptor.Streaming.BIDI : MethodDescriptor.Streaming.CLIENT)
                : (result.streamsResponses() ? MethodDescriptor.Streaming.SERVER : MethodDescriptor.Streaming.NONE);
        return new MethodDescriptor(serviceName, m, route.verb(), route.path(), params.list(), result.type(),
                result.shape(), oneWay, idempotent, streaming);
    }

    /** The route: at most one HTTP mapping annotation, else {@code POST /<service>/<method>}. */
    private Route route(String at, String serviceName, Method m) {
        HttpMethod httpMethod = null;
        String template = null;
        int mappings = 0;
        for (Annotation a : m.getAnnotations()) {
            HttpMethod hm = null;
            String value = null;
            if (a instanceof Get g) { hm = HttpMethod.GET; value = g.value(); }
            else if (a instanceof Post p) { hm = HttpMethod.POST; value = p.value(); }
            else if (a instanceof Put p) { hm = HttpMethod.PUT; value = p.value(); }
            else if (a instanceof Delete d) { hm = HttpMethod.DELETE; value = d.value(); }
            else if (a instanceof Patch p) { hm = HttpMethod.PATCH; value = p.value(); }
            if (hm != null) {
                mappings++;
                httpMethod = hm;
                template = value;
            }
        }
        if (mappings > 1) {
            throw fail(at + ": " + mappings + " HTTP mappings (expected: at most one of @Get, @Post, @Put, @Delete, @Patch)");
        }
        if (httpMethod == null) {
            httpMethod = HttpMethod.POST;
            template = "/" + serviceName + "/" + m.getName();
        }
        try {
            return new Route(httpMethod, template, PathTemplate.parse(template));
        } catch (IllegalArgumentException e) {
            throw fail(at + ": " + e.getMessage());
        }
    }

    /** The parameters: each bound once, every path variable bound, at most one body, none on GET. */
    private Parameters parameters(String at, Method m, Route route) {
        List<ParameterDescriptor> params = new ArrayList<>();
        Set<String> pathNames = new HashSet<>();
        Parameter[] declared = m.getParameters();
        Type[] types = m.getGenericParameterTypes();
        int bodies = 0;
        boolean streamsRequests = false;
        for (int i = 0; i < declared.length; i++) {
            if (rawClass(types[i]) == Stream.class) {
                streamParameter(at, declared, types, i);
                streamsRequests = true;
                params.add(new ParameterDescriptor(i, declared[i].isNamePresent() ? declared[i].getName() : "requests",
                        ParameterDescriptor.Kind.BODY, types[i], null, true));
                bodies++;
                continue;
            }
            ParameterDescriptor p = parameter(at, declared[i], types[i], i);
            if (p.kind() == ParameterDescriptor.Kind.BODY) {
                bodies++;
            }
            if (p.kind() == ParameterDescriptor.Kind.PATH) {
                if (!route.path().variableNames().contains(p.name())) {
                    throw fail(at + ": @Path(\"" + p.name() + "\") is not in the path \"" + route.template()
                            + "\" (expected: one of " + route.path().variableNames() + ")");
                }
                if (!pathNames.add(p.name())) {
                    throw fail(at + ": two parameters bound to path variable {" + p.name() + "}");
                }
            }
            params.add(p);
        }
        for (String variable : route.path().variableNames()) {
            if (!pathNames.contains(variable)) {
                throw fail(at + ": path variable {" + variable + "} has no @Path parameter (expected: a parameter"
                        + " annotated @Path(\"" + variable + "\"))");
            }
        }
        if (bodies > 1) {
            throw fail(at + ": " + bodies + " body parameters (expected: at most one; annotate the others with @Path,"
                    + " @Query or @Header, or group them in a record)");
        }
        if (bodies == 1 && route.verb() == HttpMethod.GET) {
            throw fail(at + ": a body parameter on GET (expected: @Path, @Query or @Header parameters only)");
        }
        return new Parameters(params, streamsRequests);
    }

    /** The result: a value, a future of one, or a stream of them; each a data type Courier can carry. */
    private Result result(String at, Method m) {
        Type returnType = m.getGenericReturnType();
        MethodDescriptor.Shape shape = MethodDescriptor.Shape.SYNC;
        Type result = returnType;
        Class<?> raw = rawClass(returnType);
        boolean streamsResponses = false;
        if (raw == Stream.class) {
            result = streamElement(at + ": result", returnType);
            streamsResponses = true;
        } else if (raw == CompletableFuture.class || raw == CompletionStage.class) {
            if (!(returnType instanceof ParameterizedType p)) {
                throw fail(at + ": raw " + raw.getSimpleName() + " (expected: " + raw.getSimpleName() + "<T>)");
            }
            shape = MethodDescriptor.Shape.ASYNC;
            result = p.getActualTypeArguments()[0];
        }
        if (result != void.class && result != Void.class) {
            checkDataType(at + ": result", result);
        }
        return new Result(shape, result, streamsResponses);
    }

    /**
     * Checks a {@code Stream<T>} parameter: the requests of a call that streams them are its
     * messages, so nothing else can travel with them.
     */
    private void streamParameter(String at, Parameter[] declared, Type[] types, int index) {
        String what = at + ": parameter " + index + " (" + (declared[index].isNamePresent()
                ? declared[index].getName() : types[index].getTypeName()) + ")";
        if (declared.length != 1) {
            throw fail(what + " is a Stream among " + declared.length + " parameters (expected: a Stream parameter"
                    + " as the only parameter; put other values in the stream's messages)");
        }
        Parameter p = declared[index];
        if (p.isAnnotationPresent(Path.class) || p.isAnnotationPresent(Query.class) || p.isAnnotationPresent(Header.class)) {
            throw fail(what + " is a Stream bound to a path, query or header (expected: an unannotated Stream parameter)");
        }
        streamElement(what, types[index]);
    }

    /** The {@code T} of a {@code Stream<T>}, checked like any data type. */
    private Type streamElement(String what, Type type) {
        if (!(type instanceof ParameterizedType p)) {
            throw fail(what + ": raw Stream (expected: Stream<T> of a record, string or other data type)");
        }
        Type element = p.getActualTypeArguments()[0];
        if (rawClass(element) == Stream.class) {
            throw fail(what + ": a Stream of Streams (expected: Stream<T> of a record, string or other data type)");
        }
        checkDataType(what, element);
        return element;
    }

    private ParameterDescriptor parameter(String at, Parameter p, Type type, int index) {
        Path path = p.getAnnotation(Path.class);
        Query query = p.getAnnotation(Query.class);
        Header header = p.getAnnotation(Header.class);
        Body body = p.getAnnotation(Body.class);
        int bindings = (path != null ? 1 : 0) + (query != null ? 1 : 0) + (header != null ? 1 : 0) + (body != null ? 1 : 0);
        String what = at + ": parameter " + index + " (" + (p.isNamePresent() ? p.getName() : type.getTypeName()) + ")";
        if (bindings > 1) {
            throw fail(what + " has " + bindings + " bindings (expected: one of @Path, @Query, @Header, @Body)");
        }
        if (path == null && query == null && header == null) {
            checkDataType(what, type);
            return new ParameterDescriptor(index, p.isNamePresent() ? p.getName() : "body", ParameterDescriptor.Kind.BODY,
                    type, null, required(p, type));
        }
        ParameterDescriptor.Kind kind = path != null ? ParameterDescriptor.Kind.PATH
                : query != null ? ParameterDescriptor.Kind.QUERY : ParameterDescriptor.Kind.HEADER;
        String name = path != null ? path.value() : query != null ? query.value() : header.value();
        if (name.isEmpty()) {
            if (!p.isNamePresent()) {
                throw fail(what + ": no name (expected: a name in the annotation, or compile with -parameters)");
            }
            name = p.getName();
        }
        StringConverter converter = StringConverter.forType(type, kind != ParameterDescriptor.Kind.PATH);
        if (converter == null) {
            throw fail(what + ": type " + type.getTypeName() + " cannot be read from a " + kind.name().toLowerCase(Locale.ROOT)
                    + " (expected: a string, primitive, enum, UUID, BigDecimal, BigInteger or java.time type"
                    + (kind == ParameterDescriptor.Kind.PATH ? "" : ", or an Optional, List or Set of one") + ")");
        }
        return new ParameterDescriptor(index, name, kind, type, converter, required(p, type));
    }

    /** The null rule: see {@link ParameterDescriptor#required()}. */
    private static boolean required(Parameter p, Type type) {
        return !(type instanceof Class<?> c && c.isPrimitive())
                && !Nullability.mayBeAbsent(type, p.getAnnotatedType(), p);
    }

    /**
     * Rejects types that would make the decoder pick a class from the payload, or that no codec
     * can construct: {@code Object}, interfaces other than collections, abstract classes, type
     * variables and wildcards.
     */
    private void checkDataType(String what, Type type) {
        if (type instanceof TypeVariable<?> || type instanceof WildcardType) {
            throw fail(what + ": type " + type.getTypeName() + " (expected: a concrete type)");
        }
        if (type instanceof GenericArrayType g) {
            checkDataType(what, g.getGenericComponentType());
            return;
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = rawClass(p);
            if (!Collection.class.isAssignableFrom(raw) && !Map.class.isAssignableFrom(raw) && raw != Optional.class) {
                throw fail(what + ": type " + type.getTypeName() + " (expected: records, primitives, strings, or"
                        + " collections, maps and Optionals of them)");
            }
            for (Type arg : p.getActualTypeArguments()) {
                checkDataType(what, arg);
            }
            return;
        }
        Class<?> c = (Class<?>) type;
        if (c.isArray()) {
            checkDataType(what, c.getComponentType());
            return;
        }
        if (c == Object.class || c.isInterface() && !Collection.class.isAssignableFrom(c) && !Map.class.isAssignableFrom(c)
                || !c.isPrimitive() && !c.isInterface() && Modifier.isAbstract(c.getModifiers()) && !Number.class.isAssignableFrom(c)) {
            throw fail(what + ": type " + c.getName() + " names no concrete class (expected: a record, primitive,"
                    + " string, or a collection of them; Courier never picks a class named by the payload)");
        }
        if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            throw fail(what + ": raw " + c.getSimpleName() + " (expected: a type argument, e.g. " + c.getSimpleName() + "<String>)");
        }
    }

    private void checkRoutes(List<MethodDescriptor> methods) {
        for (int i = 0; i < methods.size(); i++) {
            for (int j = i + 1; j < methods.size(); j++) {
                MethodDescriptor a = methods.get(i);
                MethodDescriptor b = methods.get(j);
                if (a.httpMethod() == b.httpMethod() && a.path().sameShape(b.path())) {
                    throw fail(where + "." + a.name() + " and " + where + "." + b.name() + ": both map to "
                            + a.httpMethod() + " " + a.path() + " (expected: one method per HTTP method and path)");
                }
            }
        }
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static InvalidContractException fail(String message) {
        return new InvalidContractException(message);
    }
}
