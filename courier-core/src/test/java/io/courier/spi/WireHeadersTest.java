package io.courier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireHeadersTest {
    @Test
    void formatsInTheFinestUnitThatFitsEightDigits() {
        assertThat(WireHeaders.formatTimeout(Duration.ofNanos(1))).isEqualTo("1n");
        assertThat(WireHeaders.formatTimeout(Duration.ofMillis(1))).isEqualTo("1000000n");
        assertThat(WireHeaders.formatTimeout(Duration.ofNanos(99_999_999))).isEqualTo("99999999n");
        assertThat(WireHeaders.formatTimeout(Duration.ofMillis(250))).isEqualTo("250000u");
        assertThat(WireHeaders.formatTimeout(Duration.ofSeconds(30))).isEqualTo("30000000u");
        assertThat(WireHeaders.formatTimeout(Duration.ofSeconds(100))).isEqualTo("100000m");
        assertThat(WireHeaders.formatTimeout(Duration.ofHours(3))).isEqualTo("10800000m");
        assertThat(WireHeaders.formatTimeout(Duration.ofDays(2))).isEqualTo("172800S");
        assertThat(WireHeaders.formatTimeout(Duration.ofDays(10_000))).isEqualTo("14400000M");
    }

    @Test
    void roundsUpSoTheServerNeverGetsLessTimeThanMeant() {
        assertThat(WireHeaders.formatTimeout(Duration.ofNanos(100_000_001))).isEqualTo("100001u");
    }

    @Test
    void formatsExpiredAndHugeTimeoutsWithinTheFormat() {
        assertThat(WireHeaders.formatTimeout(Duration.ZERO)).isEqualTo("1n");
        assertThat(WireHeaders.formatTimeout(Duration.ofSeconds(-5))).isEqualTo("1n");
        assertThat(WireHeaders.formatTimeout(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("2562048H"); // Long.MAX_VALUE ns, rounded up
    }

    @Test
    void roundTripsWithinOneUnit() {
        List<Duration> samples = List.of(Duration.ofNanos(1), Duration.ofNanos(12_345), Duration.ofMillis(1),
                Duration.ofMillis(250), Duration.ofNanos(123_456_789), Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofMinutes(5).plusNanos(7), Duration.ofHours(3), Duration.ofDays(2), Duration.ofDays(365),
                Duration.ofDays(10_000));
        for (Duration d : samples) {
            String wire = WireHeaders.formatTimeout(d);
            Duration back = WireHeaders.parseTimeout(wire);

            assertThat(back).as("%s as %s", d, wire).isGreaterThanOrEqualTo(d);
            assertThat(back.minus(d)).as("%s as %s", d, wire).isLessThan(unit(wire.charAt(wire.length() - 1)));
            assertThat(wire.length() - 1).as("digits of %s", wire).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void parsesEveryUnit() {
        assertThat(WireHeaders.parseTimeout("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(WireHeaders.parseTimeout("3M")).isEqualTo(Duration.ofMinutes(3));
        assertThat(WireHeaders.parseTimeout("4S")).isEqualTo(Duration.ofSeconds(4));
        assertThat(WireHeaders.parseTimeout("250m")).isEqualTo(Duration.ofMillis(250));
        assertThat(WireHeaders.parseTimeout("7u")).isEqualTo(Duration.ofNanos(7_000));
        assertThat(WireHeaders.parseTimeout("99999999n")).isEqualTo(Duration.ofNanos(99_999_999));
        assertThat(WireHeaders.parseTimeout("00000005S")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsValuesOutsideTheFormat() {
        for (String bad : new String[] {"", "m", "5", "5x", "5s", "5 m", " 5m", "-5m", "+5m", "5.5S", "123456789m",
                "1e3m", "０m", "٥m", "mm", "0x10m"}) {
            assertThatThrownBy(() -> WireHeaders.parseTimeout(bad))
                    .as("\"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timeout: \"" + bad + "\" (expected: up to 8 digits and a unit H, M, S, m, u or n, e.g. 250m)");
        }
        assertThatThrownBy(() -> WireHeaders.parseTimeout(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("timeout: \"null\"");
    }

    private static Duration unit(char unit) {
        return switch (unit) {
            case 'H' -> Duration.ofHours(1);
            case 'M' -> Duration.ofMinutes(1);
            case 'S' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMillis(1);
            case 'u' -> Duration.ofNanos(1_000);
            default -> Duration.ofNanos(1);
        };
    }
}
