package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Metadata;
import io.courier.PermissionDeniedException;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The rules an {@link AccessControl} applies, without a transport: both role and scope needed
 * where both are declared, contradicting annotations refused, authenticators asked in order, and
 * API keys configured safely.
 */
class AccessRulesTest {
    private static final String CLERK_KEY = "clerk-0123456789abcdef";
    private static final String READER_KEY = "reader-0123456789abcdef";

    @Service("both")
    public interface Both {
        @RolesAllowed("clerk")
        @RequiresScopes("orders:read")
        String read();

        @PermitAll
        @RolesAllowed("clerk")
        String confused();
    }

    private final AccessControl access = AccessControl.builder().authenticator(ApiKeys.builder()
            .key(CLERK_KEY, new Principal("clerk", Set.of("clerk"), Set.of(), java.util.Map.of()))
            .key(READER_KEY, new Principal("reader", Set.of("clerk"), Set.of("orders:read"), java.util.Map.of()))
            .build()).build();

    private Object call(String method, String key) {
        ServiceDescriptor service = ServiceDescriptor.of(Both.class);
        Call call = Call.of(service, service.method(method).orElseThrow(), new Object[0],
                CallContext.empty().withMetadata(key == null ? Metadata.empty() : Metadata.of("x-api-key", key)), null);
        CompletableFuture<Object> result = access.intercept(call,
                c -> CompletableFuture.completedFuture(c.context().principal().orElseThrow().name()));
        try {
            return result.join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void aRoleAndAScopeDeclaredTogetherAreBothNeeded() {
        assertThat(call("read", READER_KEY)).isEqualTo("reader");
        assertThatThrownBy(() -> call("read", CLERK_KEY)).isInstanceOf(PermissionDeniedException.class)
                .hasMessage("both.read: permission denied");
        assertThatThrownBy(() -> call("read", null)).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void contradictingAnnotationsAreAnErrorNotAnOpenDoor() {
        assertThatThrownBy(() -> call("confused", READER_KEY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@PermitAll, @DenyAll and @RolesAllowed/@RequiresScopes together");
    }

    @Test
    void apiKeysAreConfiguredSafely() {
        assertThatThrownBy(() -> ApiKeys.builder().key("short", Principal.of("a", Set.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: >= 16");
        assertThatThrownBy(() -> ApiKeys.builder().header("Authorization"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.builder().key(CLERK_KEY, Principal.of("a", Set.of()))
                .key(CLERK_KEY, Principal.of("b", Set.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> AccessControl.builder().build()).isInstanceOf(IllegalStateException.class);
    }
}
