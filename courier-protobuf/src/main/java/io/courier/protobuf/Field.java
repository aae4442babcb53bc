package io.courier.protobuf;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The Protobuf number of a record component, or of an enum constant.
 *
 * <p>On a record component it is the field number on the wire (1 to 536,870,911, not 19,000 to
 * 19,999, unique in the record). A component without {@code @Field} takes its position in the
 * record's declaration, counting from 1, so a record without any annotation numbers its fields
 * 1, 2, 3... Annotate every component of a record whose shape will change: then components
 * can be added, removed and reordered without changing the numbers of the others.
 *
 * <pre>{@code
 * record Order(@Field(1) String id, @Field(2) List<Item> items, @Field(4) Optional<String> note) {}
 * }</pre>
 *
 * <p>On an enum constant it is the constant's number on the wire (0 or more, unique in the
 * enum); an enum whose constants carry no {@code @Field} sends their ordinals. Either every
 * constant of an enum is annotated or none is.
 *
 * <pre>{@code
 * enum Priority { @Field(0) NORMAL, @Field(5) HIGH, @Field(9) URGENT }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Field {
    /** The field number, or the enum constant's number. */
    int value();
}
