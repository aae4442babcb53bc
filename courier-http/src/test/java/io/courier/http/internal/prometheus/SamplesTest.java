package io.courier.http.internal.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scrape reader keeps what parses, skips what does not, and reads escaped label values. */
class SamplesTest {
    @Test
    void readsNamesLabelsValuesAndSkipsTheRest() {
        Samples s = Samples.parse("""
                # HELP rpc_client_duration_seconds calls
                # TYPE rpc_client_duration_seconds histogram
                rpc_client_duration_seconds_bucket{rpc_service="stock",le="0.005"} 3.0
                rpc_client_duration_seconds_bucket{rpc_service="stock",le="+Inf"} 4.0
                odd{reason="a \\"quoted\\" \\\\ one\\nline",x="y"} 1 1712345678000
                up 1
                broken{unterminated="x 1
                nonumber{a="b"} many
                """);
        assertThat(s.all()).hasSize(4);
        assertThat(s.named("rpc_client_duration_seconds_bucket")).extracting(x -> x.label("le"))
                .containsExactly("0.005", "+Inf");
        assertThat(s.named("odd").get(0).label("reason")).isEqualTo("a \"quoted\" \\ one\nline");
        assertThat(s.named("odd").get(0).value()).isEqualTo(1);
        assertThat(s.named("up").get(0).labels()).isEmpty();
    }
}
