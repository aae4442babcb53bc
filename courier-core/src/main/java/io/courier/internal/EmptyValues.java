package io.courier.internal;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The empty value an absent collection, map or array component reads as. */
final class EmptyValues {
    private EmptyValues() {
    }

    /** Makes the empty value of {@code type}; null when {@code type} has none. */
    static Supplier<Object> of(Class<?> type) {
        if (type.isArray()) {
            return () -> Array.newInstance(type.getComponentType(), 0);
        }
        if (type == SortedSet.class || type == NavigableSet.class || type == TreeSet.class) {
            return TreeSet::new;
        }
        if (type == SortedMap.class || type == NavigableMap.class || type == TreeMap.class) {
            return TreeMap::new;
        }
        if (type == Set.class) {
            return Set::of;
        }
        if (type == List.class || type == Collection.class) {
            return List::of;
        }
        if (type == Map.class) {
            return Map::of;
        }
        if ((Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type))
                && !type.isInterface() && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            try {
                var constructor = type.getConstructor();
                return () -> {
                    try {
                        return constructor.newInstance();
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("new " + type.getName() + "()", e);
                    }
                };
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
        return null;
    }
}
