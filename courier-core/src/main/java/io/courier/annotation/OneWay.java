package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A one-way notification: the caller sends and does not wait for the handler. The method must
 * return {@code void}. The server answers once the handler has started ({@code 202 Accepted}
 * over REST), or with the error that refused the call before it (the null rule, an
 * interceptor); while {@code Courier.Builder.maxOneWayRunning} one-way handlers already run, it
 * answers once the handler has run instead, so a caller cannot pile up work on the server.
 * Over a broker it is a command without a reply.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OneWay {
}
