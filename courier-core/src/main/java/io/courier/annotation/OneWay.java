package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A one-way notification: the caller sends and does not wait for the handler. The method must
 * return {@code void}. Over REST the server answers {@code 202 Accepted} once the request is
 * decoded and runs the handler afterwards; over a broker it is a command without a reply.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OneWay {
}
