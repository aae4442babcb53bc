package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.Status;
import io.courier.annotation.Header;
import io.courier.annotation.Post;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The null rule: which parameters and record components may be absent, and what absence reads as. */
class RequiredValuesTest {
    /** Like JSpecify's: a type-use annotation. */
    static final class JSpecify {
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.TYPE_USE)
        @interface Nullable {
        }
    }

    /** Like Jakarta's and JSR-305's: a declaration annotation without a target. */
    static final class Jakarta {
        @Retention(RetentionPolicy.RUNTIME)
        @interface Nullable {
        }
    }

    public record Address(String street, @Jakarta.Nullable String floor, Optional<String> note) {
    }

    public record Line(String sku, int quantity) {
    }

    public record Order(String id, Address address, List<Line> lines, Map<String, String> tags, Set<String> labels,
                        String[] codes, @JSpecify.Nullable String comment, Optional<Address> billing) {
    }

    @Service
    public interface Orders {
        @Post("/orders")
        String create(Order order);

        @Post("/orders/note")
        String note(@Query("by") String by, @Query("lang") @Jakarta.Nullable String lang,
                    @Query("tone") Optional<String> tone, @Header("x-trace") @JSpecify.Nullable String trace,
                    @Query("count") int count, String body);
    }

    private static final ServiceDescriptor ORDERS = ServiceDescriptor.of(Orders.class);
    private static final MethodDescriptor CREATE = ORDERS.method("create").orElseThrow();
    private static final MethodDescriptor NOTE = ORDERS.method("note").orElseThrow();

    private static Address address() {
        return new Address("Main St 1", null, Optional.empty());
    }

    private static Order order(Address address, List<Line> lines) {
        return new Order("o-1", address, lines, Map.of(), Set.of(), new String[0], null, Optional.empty());
    }

    @Test
    void parametersAreRequiredUnlessOptionalNullableOrPrimitive() {
        assertThat(NOTE.parameters()).extracting(ParameterDescriptor::name, ParameterDescriptor::required)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("by", true),
                        org.assertj.core.groups.Tuple.tuple("lang", false),
                        org.assertj.core.groups.Tuple.tuple("tone", false),
                        org.assertj.core.groups.Tuple.tuple("x-trace", false),
                        org.assertj.core.groups.Tuple.tuple("count", false),
                        org.assertj.core.groups.Tuple.tuple("body", true));
    }

    @Test
    void anAbsentRequiredParameterIsRefusedNamingItAndWhatWasExpected() {
        assertThatThrownBy(() -> RequiredValues.check(NOTE, new Object[] {null, null, null, null, 0, "text"}))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT))
                .hasMessage("orders.note: query by: missing (expected: a String; declare the parameter Optional or"
                        + " @Nullable if it may be absent)");
        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {null}))
                .hasMessageStartingWith("orders.create: body order: missing (expected: an Order;");
    }

    @Test
    void everyMissingValueIsNamedInOneMessage() {
        assertThatThrownBy(() -> RequiredValues.check(NOTE, new Object[] {null, null, null, null, 0, null}))
                .hasMessageContaining("query by: missing")
                .hasMessageContaining("; body body: missing");
    }

    @Test
    void optionalAndNullableParametersMayBeAbsentAndAnAbsentOptionalIsEmpty() {
        Object[] checked = RequiredValues.check(NOTE, new Object[] {"ann", null, null, null, 0, "text"});

        assertThat(checked).containsExactly("ann", null, Optional.empty(), null, 0, "text");
    }

    @Test
    void aCompleteCallPassesAsItIs() {
        Order order = order(address(), List.of(new Line("sku-1", 2)));
        Object[] args = {order};

        assertThat(RequiredValues.check(CREATE, args)).isSameAs(args);
    }

    @Test
    void aMissingNestedComponentIsRefusedNamingItsPath() {
        Order order = order(new Address(null, null, Optional.empty()), List.of());

        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {order}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("orders.create: body order.address.street: missing (expected: a String; declare the"
                        + " component Optional or @Nullable if it may be absent)");
    }

    @Test
    void aMissingComponentOfARecordInAListIsNamedWithItsIndex() {
        Order order = order(address(), List.of(new Line("a", 1), new Line(null, 2)));

        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {order}))
                .hasMessageContaining("body order.lines[1].sku: missing");
    }

    @Test
    void absentCollectionsMapsAndArraysReadAsEmptyAndAbsentOptionalsAsEmpty() {
        Order sparse = new Order("o-1", new Address("Main St 1", null, null), null, null, null, null, null, null);

        Order checked = (Order) RequiredValues.check(CREATE, new Object[] {sparse})[0];

        assertThat(checked.lines()).isEmpty();
        assertThat(checked.tags()).isEmpty();
        assertThat(checked.labels()).isEmpty();
        assertThat(checked.codes()).isEmpty();
        assertThat(checked.billing()).isEmpty();
        assertThat(checked.address().note()).isEmpty();
        assertThat(checked.address().floor()).isNull();
        assertThat(checked.comment()).isNull();
    }

    @Test
    void aPresentOptionalIsCheckedInside() {
        Order order = new Order("o-1", address(), List.of(), Map.of(), Set.of(), new String[0], null,
                Optional.of(new Address(null, null, Optional.empty())));

        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {order}))
                .hasMessageContaining("body order.billing.street: missing");
    }

    @Test
    void aValueOutsideACallIsCheckedTheSameWay() {
        assertThatThrownBy(() -> RequiredValues.check("payload", Address.class, null))
                .hasMessage("payload: missing (expected: an Address)");
        assertThatThrownBy(() -> RequiredValues.check("payload", Address.class, new Address(null, null, null)))
                .hasMessageStartingWith("payload.street: missing");
        assertThat(RequiredValues.check("payload", Address.class, new Address("s", null, null)))
                .isEqualTo(new Address("s", null, Optional.empty()));
    }

    @Test
    void aNullElementOfAListOfRecordsIsRefusedNamingItsIndexAndType() {
        List<Line> lines = new java.util.ArrayList<>();
        lines.add(new Line("a", 1));
        lines.add(null);
        Order order = order(address(), lines);

        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {order}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("orders.create: body order.lines[1]: null (expected: a Line; an element of a list is"
                        + " never null)");
    }

    @Test
    void nullElementsOfSetsArraysAndMapsAreRefusedToo() {
        Map<String, String> tags = new java.util.HashMap<>();
        tags.put("colour", null);
        Set<String> labels = new java.util.LinkedHashSet<>(java.util.Arrays.asList("x", null));
        Order order = new Order("o-1", address(), List.of(), tags, labels, new String[] {null}, null,
                Optional.empty());

        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {order}))
                .hasMessageContaining("body order.tags[colour]: null (expected: a String; an element of a map is"
                        + " never null)")
                .hasMessageContaining("body order.labels[1]: null (expected: a String;")
                .hasMessageContaining("body order.codes[0]: null (expected: a String;");
    }

    @Test
    void aMapKeyNamedInARefusalIsBounded() {
        Map<String, String> tags = new java.util.HashMap<>();
        tags.put("k".repeat(100_000), null);
        Order order = new Order("o-1", address(), List.of(), tags, Set.of(), new String[0], null, Optional.empty());

        assertThatThrownBy(() -> RequiredValues.check(CREATE, new Object[] {order}))
                .hasMessageContaining("body order.tags[kkk")
                .hasMessageContaining(": null (expected: a String;")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    @Test
    void aPayloadThatIsAListOfPlainValuesIsCheckedForNullElements() throws Exception {
        java.lang.reflect.Type listOfStrings = RequiredValuesTest.class
                .getDeclaredMethod("listOfStrings").getGenericReturnType();

        assertThatThrownBy(() -> RequiredValues.check("payload", listOfStrings, java.util.Arrays.asList("a", null)))
                .hasMessage("payload[1]: null (expected: a String; an element of a list is never null)");
        List<String> fine = List.of("a", "b");
        assertThat(RequiredValues.check("payload", listOfStrings, fine)).isSameAs(fine);
    }

    @SuppressWarnings("unused")
    private static List<String> listOfStrings() {
        return List.of();
    }
}
