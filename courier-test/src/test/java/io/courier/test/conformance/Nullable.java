package io.courier.test.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter or record component of the conformance contract that may be absent. Courier
 * honours any annotation of this simple name (JSpecify's, Jakarta's, ...); the suite declares its
 * own so that it depends on none of them. Public because the suite's public contract carries it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD})
public @interface Nullable {
}
