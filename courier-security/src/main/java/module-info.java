/**
 * Authentication and authorisation for Courier: {@link io.courier.security.AccessControl} is a
 * server interceptor that verifies a call's credentials ({@link io.courier.security.JwtVerifier}
 * for JWT bearer tokens, {@link io.courier.security.ApiKeys}) and checks the access its contract
 * declares ({@code @RolesAllowed}, {@code @PermitAll}, {@code @DenyAll},
 * {@link io.courier.security.RequiresScopes}) before the implementation runs, on REST, gRPC and
 * messaging alike; {@link io.courier.security.BearerToken} attaches or forwards credentials on
 * the client side; {@link io.courier.security.MessageSigner} and
 * {@link io.courier.security.PublisherVerifier} sign events with the publishing service's key
 * and check them on the consumer.
 */
module io.courier.security {
    requires transitive io.courier.core;
    requires transitive jakarta.annotation;
    requires com.nimbusds.jose.jwt;
    requires org.slf4j;
    requires static io.courier.messaging; // PublisherVerifier only

    exports io.courier.security;
}
