package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.annotation.Get;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Decimal and integer path/query values are bounded by the default limits before anyone writes them out. */
@Timeout(5)
class NumberParametersTest {
    @Service("quotes")
    interface Quotes {
        @Get("/quotes")
        BigDecimal quote(@Query("amount") BigDecimal amount, @Query("units") BigInteger units);
    }

    private static final MethodDescriptor QUOTE = ServiceDescriptor.of(Quotes.class).method("quote").orElseThrow();

    @Test
    void aHugeExponentIsRefusedByItsScale() {
        assertThatThrownBy(() -> param("amount").parse(List.of("1e10000000")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("query amount: \"1e10000000\": scale -10000000 exceeds the limit 1000 (maxDecimalScale)");
    }

    @Test
    void aNumberLongerThanTheLimitIsRefusedBeforeParsing() {
        String digits = "9".repeat(1001);
        assertThatThrownBy(() -> param("units").parse(List.of(digits)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageEndingWith(": a number of 1001 characters exceeds the limit 1000 (maxNumberLength)");
        assertThatThrownBy(() -> param("amount").parse(List.of("0." + digits)))
                .hasMessageContaining("(maxNumberLength)");
    }

    @Test
    void numbersWithinTheLimitsParseAndFormatCompactly() {
        assertThat(param("amount").parse(List.of("1e1000"))).isEqualTo(new BigDecimal("1e1000"));
        assertThat(param("units").parse(List.of("9".repeat(1000)))).isEqualTo(new BigInteger("9".repeat(1000)));
        assertThat(param("amount").format(new BigDecimal("1e10000000"))).containsExactly("1E+10000000");
        assertThatThrownBy(() -> param("amount").parse(List.of("abc")))
                .hasMessage("query amount: \"abc\" (expected: a decimal number)");
    }

    private static ParameterDescriptor param(String name) {
        return QUOTE.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
