package io.courier.security.internal;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.security.RequiresScopes;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The access a contract declares for one method: the method's annotations if it has any, else
 * the interface's. Parsed once per method and kept.
 *
 * @param kind   what the annotations say
 * @param roles  for {@code ROLES}: any one of them is enough (empty: no role needed)
 * @param scopes every one of them is needed (empty: no scope needed)
 * @param source where the rule was declared, for messages and logs
 */
public record AccessRule(Kind kind, Set<String> roles, Set<String> scopes, String source) {
    /** What a rule says. */
    public enum Kind {
        /** {@code @PermitAll}: anyone, even without credentials. */
        PERMIT_ALL,
        /** {@code @DenyAll}: nobody. */
        DENY_ALL,
        /** {@code @RolesAllowed} and/or {@code @RequiresScopes}: an authenticated caller with them. */
        RESTRICTED,
        /** No annotation anywhere: the access control's default decides. */
        UNDECLARED
    }

    private static final ConcurrentMap<Method, AccessRule> CACHE = new ConcurrentHashMap<>();

    /** The rule of {@code method} of {@code service}. */
    public static AccessRule of(ServiceDescriptor service, MethodDescriptor method) {
        Method m = method.method();
        if (m == null) {
            return new AccessRule(Kind.UNDECLARED, Set.of(), Set.of(), service.name());
        }
        return CACHE.computeIfAbsent(m, key -> parse(service.type(), key, method.fullName()));
    }

    private static AccessRule parse(Class<?> type, Method method, String name) {
        AccessRule own = declared(method, name);
        if (own != null) {
            return own;
        }
        AccessRule inherited = type == null ? null : declared(type, type.getSimpleName());
        return inherited != null ? inherited : new AccessRule(Kind.UNDECLARED, Set.of(), Set.of(), name);
    }

    private static AccessRule declared(AnnotatedElement element, String where) {
        boolean permit = element.isAnnotationPresent(PermitAll.class);
        boolean deny = element.isAnnotationPresent(DenyAll.class);
        RolesAllowed roles = element.getAnnotation(RolesAllowed.class);
        RequiresScopes scopes = element.getAnnotation(RequiresScopes.class);
        int kinds = (permit ? 1 : 0) + (deny ? 1 : 0) + (roles != null || scopes != null ? 1 : 0);
        if (kinds == 0) {
            return null;
        }
        if (kinds > 1) {
            throw new IllegalStateException(where + ": @PermitAll, @DenyAll and @RolesAllowed/@RequiresScopes"
                    + " together (expected: one of them; they contradict each other)");
        }
        if (permit) {
            return new AccessRule(Kind.PERMIT_ALL, Set.of(), Set.of(), where);
        }
        if (deny) {
            return new AccessRule(Kind.DENY_ALL, Set.of(), Set.of(), where);
        }
        Set<String> r = roles == null ? Set.of() : Set.of(roles.value());
        Set<String> s = scopes == null ? Set.of() : Set.of(scopes.value());
        if (roles != null && r.isEmpty()) {
            throw new IllegalStateException(where + ": @RolesAllowed({}) (expected: at least one role; @DenyAll"
                    + " says nobody)");
        }
        return new AccessRule(Kind.RESTRICTED, r, s, where);
    }
}
