package io.courier.examples.ftgo;

import java.math.BigDecimal;

/** An amount in a currency. */
public record Money(BigDecimal amount, String currency) {
    /** An amount in euros. */
    public static Money euros(String amount) {
        return new Money(new BigDecimal(amount), "EUR");
    }

    /** Whether this is more than {@code other} (same currency). */
    public boolean exceeds(Money other) {
        return currency.equals(other.currency) && amount.compareTo(other.amount) > 0;
    }
}
