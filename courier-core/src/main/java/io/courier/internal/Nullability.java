package io.courier.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * Whether a declared parameter or record component may be absent: it is an {@code Optional}, or
 * it carries an annotation whose simple name is {@code Nullable}. Matching the simple name
 * accepts JSpecify, Jakarta, JSR-305 and JetBrains alike without depending on any of them.
 */
public final class Nullability {
    private Nullability() {
    }

    /** Whether {@code type} is {@code Optional} (raw or parameterized). */
    public static boolean isOptional(Type type) {
        return type == Optional.class || type instanceof ParameterizedType p && p.getRawType() == Optional.class;
    }

    /**
     * Whether a value of {@code type}, declared with {@code annotatedType} on {@code elements}
     * (a parameter; a record component with its field and accessor), may be absent.
     */
    public static boolean mayBeAbsent(Type type, AnnotatedType annotatedType, AnnotatedElement... elements) {
        if (isOptional(type)) {
            return true;
        }
        if (annotatedType != null && hasNullable(annotatedType.getAnnotations())) {
            return true; // a type-use annotation: JSpecify, JetBrains
        }
        for (AnnotatedElement e : elements) {
            if (e != null && hasNullable(e.getAnnotations())) {
                return true; // a declaration annotation: Jakarta, JSR-305
            }
        }
        return false;
    }

    private static boolean hasNullable(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }
}
