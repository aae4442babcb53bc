/**
 * Service discovery: where the instances of a service are and which one takes a call.
 * {@link io.courier.discovery.Discovery} backends (a {@link io.courier.discovery.ServiceRegistry}
 * and a {@link io.courier.discovery.ServiceResolver} in one) come from {@code courier-discovery}
 * (static, local, DNS) and {@code courier-zookeeper}; a {@link io.courier.discovery.LoadBalancer}
 * picks an {@link io.courier.discovery.Endpoint} for each attempt of a call. A serving
 * {@code Courier} registers itself; a client without a target, or with
 * {@code discovery:service}, resolves and balances through them.
 */
package io.courier.discovery;
