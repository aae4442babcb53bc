package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.Status;
import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ParameterDescriptorTest {
    enum Color { RED, GREEN }

    @Service("types")
    interface Types {
        @Get("/all/{id}")
        void all(@Path("id") long id, @Query String text, @Query int i, @Query Integer boxedInt, @Query long l,
                 @Query short s, @Query byte b, @Query double d, @Query float f, @Query boolean flag,
                 @Query Boolean boxedFlag, @Query char c, @Query UUID uuid, @Query BigDecimal decimal,
                 @Query BigInteger integer, @Query Color color, @Query LocalDate date, @Query Instant instant,
                 @Query Duration duration, @Query LocalDateTime dateTime, @Query LocalTime time,
                 @Query OffsetDateTime offset, @Query YearMonth month, @Query Optional<Integer> maybe,
                 @Query List<Color> colors, @Query Set<String> tags, @Header("x-id") UUID header);
    }

    private static final MethodDescriptor ALL = ServiceDescriptor.of(Types.class).method("all").orElseThrow();

    @Test
    void parsesAndFormatsEveryScalarType() {
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        roundTrip("id", "-42", -42L);
        roundTrip("text", "héllo wörld 😀", "héllo wörld 😀");
        roundTrip("text", "", "");
        roundTrip("i", "2147483647", Integer.MAX_VALUE);
        roundTrip("boxedInt", "-7", -7);
        roundTrip("l", "-9223372036854775808", Long.MIN_VALUE);
        roundTrip("s", "32767", (short) 32767);
        roundTrip("b", "-128", (byte) -128);
        roundTrip("d", "2.5", 2.5d);
        roundTrip("f", "0.25", 0.25f);
        roundTrip("flag", "true", true);
        roundTrip("boxedFlag", "false", false);
        roundTrip("c", "ß", 'ß');
        roundTrip("uuid", uuid.toString(), uuid);
        roundTrip("decimal", "1234.50", new BigDecimal("1234.50"));
        roundTrip("integer", "123456789012345678901234567890", new BigInteger("123456789012345678901234567890"));
        roundTrip("color", "GREEN", Color.GREEN);
        roundTrip("date", "2024-02-29", LocalDate.of(2024, 2, 29));
        roundTrip("instant", "2024-02-29T12:34:56.123456789Z", Instant.parse("2024-02-29T12:34:56.123456789Z"));
        roundTrip("duration", "PT1M30S", Duration.ofSeconds(90));
        roundTrip("dateTime", "2024-02-29T12:34:56", LocalDateTime.of(2024, 2, 29, 12, 34, 56));
        roundTrip("time", "23:59:59", LocalTime.of(23, 59, 59));
        roundTrip("offset", "2024-02-29T12:34:56+02:00", OffsetDateTime.parse("2024-02-29T12:34:56+02:00"));
        roundTrip("month", "2024-02", YearMonth.of(2024, 2));
        roundTrip("x-id", uuid.toString(), uuid);
    }

    @Test
    void booleansIgnoreCaseButAcceptNothingElse() {
        assertThat(param("flag").parse(List.of("TRUE"))).isEqualTo(true);
        assertThat(param("flag").parse(List.of("False"))).isEqualTo(false);
        assertInvalid("flag", "yes", "query flag: \"yes\" (expected: true or false)");
        assertInvalid("flag", "1", "query flag: \"1\" (expected: true or false)");
    }

    @Test
    void badValuesNameTheParameterTheValueAndTheExpectedForm() {
        assertInvalid("id", "abc", "path id: \"abc\" (expected: an integer (64-bit))");
        assertInvalid("i", "2147483648", "query i: \"2147483648\" (expected: an integer (32-bit))");
        assertInvalid("i", "1.5", "query i: \"1.5\" (expected: an integer (32-bit))");
        assertInvalid("i", " 1", "query i: \" 1\" (expected: an integer (32-bit))");
        assertInvalid("s", "40000", "query s: \"40000\" (expected: an integer (16-bit))");
        assertInvalid("b", "128", "query b: \"128\" (expected: an integer (8-bit))");
        assertInvalid("d", "two", "query d: \"two\" (expected: a number)");
        assertInvalid("c", "ab", "query c: \"ab\" (expected: one character)");
        assertInvalid("c", "", "query c: \"\" (expected: one character)");
        assertInvalid("uuid", "not-a-uuid", "query uuid: \"not-a-uuid\" (expected: a UUID)");
        assertInvalid("decimal", "1,5", "query decimal: \"1,5\" (expected: a decimal number)");
        assertInvalid("integer", "1.0", "query integer: \"1.0\" (expected: an integer)");
        assertInvalid("color", "green", "query color: \"green\" (expected: one of [RED, GREEN])");
        assertInvalid("date", "29/02/2024", "query date: \"29/02/2024\" (expected: a LocalDate in ISO-8601 form)");
        assertThatThrownBy(() -> param("instant").parse(List.of("yesterday"))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("query instant: \"yesterday\" (expected: ").hasMessageEndingWith("Instant in ISO-8601 form)");
        assertInvalid("maybe", "x", "query maybe: \"x\" (expected: an integer (32-bit))");
        assertInvalid("colors", "BLUE", "query colors: \"BLUE\" (expected: one of [RED, GREEN])");
        assertInvalid("x-id", "zzz", "header x-id: \"zzz\" (expected: a UUID)");
    }

    @Test
    void longBadValuesAreAbbreviated() {
        String longValue = "x".repeat(500);

        assertThatThrownBy(() -> param("i").parse(List.of(longValue)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("query i: \"" + "x".repeat(61) + "...\" (expected: an integer (32-bit))");
    }

    @Test
    void missingValues() {
        assertThatThrownBy(() -> param("i").parse(List.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("query i: missing (expected: an integer (32-bit))");
        assertThatThrownBy(() -> param("id").parse(List.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("path id: missing (expected: an integer (64-bit))");
        assertThat(param("boxedInt").parse(List.of())).isNull();
        assertThat(param("text").parse(List.of())).isNull();
        assertThat(param("x-id").parse(List.of())).isNull();
        assertThat(param("maybe").parse(List.of())).isEqualTo(Optional.empty());
        assertThat(param("colors").parse(List.of())).isEqualTo(List.of());
        assertThat(param("tags").parse(List.of())).isEqualTo(Set.of());
    }

    @Test
    void optionalsListsAndSets() {
        assertThat(param("maybe").parse(List.of("5"))).isEqualTo(Optional.of(5));
        assertThat(param("maybe").format(Optional.of(5))).containsExactly("5");
        assertThat(param("maybe").format(Optional.empty())).isEmpty();
        assertThat(param("colors").parse(List.of("RED", "GREEN", "RED"))).isEqualTo(List.of(Color.RED, Color.GREEN, Color.RED));
        assertThat(param("colors").format(List.of(Color.GREEN, Color.RED))).containsExactly("GREEN", "RED");
        assertThat(param("tags").parse(List.of("b", "a", "b"))).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.ITERABLE)
                .containsExactly("b", "a");
        assertThat(param("tags").format(new java.util.LinkedHashSet<>(List.of("x", "y")))).containsExactly("x", "y");
        assertThat(param("i").parse(List.of("1", "2"))).as("a single value takes the first").isEqualTo(1);
    }

    @Test
    void parsedCollectionsAreUnmodifiable() {
        @SuppressWarnings("unchecked")
        List<Color> colors = (List<Color>) param("colors").parse(List.of("RED"));

        assertThatThrownBy(() -> colors.add(Color.GREEN)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullFormatsAsAbsent() {
        assertThat(param("text").format(null)).isEmpty();
        assertThat(param("maybe").format(null)).isEmpty();
        assertThat(param("colors").format(null)).isEmpty();
    }

    @Test
    void invalidArgumentCarriesItsStatus() {
        InvalidArgumentException e = (InvalidArgumentException) org.assertj.core.api.Assertions.catchThrowable(
                () -> param("i").parse(List.of("x")));

        assertThat(e.status()).isEqualTo(Status.INVALID_ARGUMENT);
        assertThat(e.retrySafe()).isFalse();
    }

    @Test
    void describesItself() {
        ParameterDescriptor header = param("x-id");

        assertThat(header.toString()).isEqualTo("header x-id");
        assertThat(header.kind()).isEqualTo(ParameterDescriptor.Kind.HEADER);
        assertThat(header.type()).isEqualTo(UUID.class);
        assertThat(header.index()).isEqualTo(ALL.parameters().size() - 1);
    }

    private static void roundTrip(String name, String text, Object value) {
        ParameterDescriptor p = param(name);

        assertThat(p.parse(List.of(text))).as("%s parses %s", p, text).isEqualTo(value);
        assertThat(p.format(value)).as("%s formats %s", p, value).containsExactly(text);
    }

    private static void assertInvalid(String name, String text, String message) {
        assertThatThrownBy(() -> param(name).parse(List.of(text)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage(message);
    }

    private static ParameterDescriptor param(String name) {
        return ALL.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
