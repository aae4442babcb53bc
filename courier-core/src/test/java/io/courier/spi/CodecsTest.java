package io.courier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Status;
import io.courier.UnimplementedException;
import java.lang.reflect.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecsTest {
    private final Codec json = new FakeCodec("application/json");
    private final Codec cbor = new FakeCodec("application/cbor");
    private final Codec text = new FakeCodec("Text/Plain");
    private final Codecs codecs = Codecs.of(List.of(json, cbor, text));

    @Test
    void theFirstCodecIsTheDefaultWithoutJson() {
        assertThat(Codecs.of(List.of(cbor, text)).defaultCodec()).containsSame(cbor);
        assertThat(codecs.mediaTypes()).containsExactly("application/json", "application/cbor", "text/plain");
    }

    @Test
    void jsonIsTheDefaultWhereverItIsRegistered() {
        // The class path's order decides which codec comes first; a client that names no type still gets JSON.
        Codecs protobufFirst = Codecs.of(List.of(cbor, text, json));
        assertThat(protobufFirst.defaultCodec()).containsSame(json);
        assertThat(protobufFirst.negotiate(null)).containsSame(json);
        assertThat(protobufFirst.negotiate("*/*")).containsSame(json);
    }

    @Test
    void contentTypesMatchWithoutParametersOrCase() {
        assertThat(codecs.forContentType("application/json")).containsSame(json);
        assertThat(codecs.forContentType("Application/JSON; charset=UTF-8")).containsSame(json);
        assertThat(codecs.forContentType(" text/plain ;charset=utf-8")).containsSame(text);
        assertThat(codecs.forContentType("application/xml")).isEmpty();
        assertThat(codecs.forContentType(null)).isEmpty();
    }

    @Test
    void noOrWildcardAcceptGivesTheDefault() {
        assertThat(codecs.negotiate(null)).containsSame(json);
        assertThat(codecs.negotiate("")).containsSame(json);
        assertThat(codecs.negotiate("  ")).containsSame(json);
        assertThat(codecs.negotiate("*/*")).containsSame(json);
        assertThat(codecs.negotiate("application/*")).containsSame(json);
    }

    @Test
    void theAcceptableCodecWithTheHighestQualityWins() {
        assertThat(codecs.negotiate("application/cbor")).containsSame(cbor);
        assertThat(codecs.negotiate("application/json;q=0.5, application/cbor")).containsSame(cbor);
        assertThat(codecs.negotiate("application/cbor;q=0.2, text/plain;q=0.9, */*;q=0.1")).containsSame(text);
        assertThat(codecs.negotiate("application/xml, application/cbor;q=0.3")).containsSame(cbor);
        assertThat(codecs.negotiate("application/cbor, application/json")).as("ties go to the first listed")
                .containsSame(cbor);
    }

    @Test
    void jsonSuffixedTypesGetJsonButProblemJsonOnlyNamesTheErrorFormat() {
        assertThat(codecs.negotiate("application/vnd.acme.order+json;q=0.8")).containsSame(json);
        assertThat(codecs.negotiate("application/problem+json")).isEmpty();
        assertThat(codecs.negotiate("application/cbor, application/problem+json")).containsSame(cbor);
    }

    @Test
    void theMostSpecificMatchingRangeSetsACodecsQuality() {
        assertThat(codecs.negotiate("application/*;q=0.2, application/json;q=0")).containsSame(cbor);
        assertThat(codecs.negotiate("*/*;q=0.5, application/json;q=0.1")).as("cbor takes */*'s 0.5")
                .containsSame(cbor);
        assertThat(codecs.negotiate("*/*;q=0.5, application/*;q=0")).containsSame(text);
        assertThat(codecs.negotiate("*/*;q=0.3, application/cbor;q=0.3")).as("equal quality: the more specific range")
                .containsSame(cbor);
        assertThat(codecs.negotiate("text/*")).containsSame(text);
    }

    @Test
    void malformedRangesAndWeightsAreIgnored() {
        assertThat(codecs.negotiate("nonsense, application/cbor")).containsSame(cbor);
        assertThat(codecs.negotiate("application/cbor;q=2, text/plain;q=0.1")).containsSame(text);
        assertThat(codecs.negotiate("APPLICATION/CBOR; Q=0.4, application/json;q=0.3")).containsSame(cbor);
    }

    @Test
    void nothingAcceptableGivesNothing() {
        assertThat(codecs.negotiate("application/xml")).isEmpty();
        assertThat(codecs.negotiate("application/json;q=0")).isEmpty();
        assertThat(codecs.negotiate("application/json;q=oops")).isEmpty();
    }

    @Test
    void aLaterCodecReplacesOneOfTheSameMediaType() {
        Codec other = new FakeCodec("application/json");

        Codecs replaced = Codecs.of(List.of(json, cbor, other));

        assertThat(replaced.forContentType("application/json")).containsSame(other);
        assertThat(replaced.defaultCodec()).containsSame(other);
    }

    @Test
    void noCodecsAtAll() {
        Codecs none = Codecs.of(List.of());

        assertThat(none.defaultCodec()).isEmpty();
        assertThat(none.negotiate(null)).isEmpty();
        assertThat(none.negotiate("*/*")).isEmpty();
    }

    @Test
    void requireNamesWhatIsRegisteredAndWhatToAdd() {
        assertThat(codecs.require("application/cbor")).isSameAs(cbor);
        assertThatThrownBy(() -> Codecs.of(List.of(cbor)).require("application/json"))
                .isInstanceOf(UnimplementedException.class)
                .hasMessageContaining("no codec for application/json")
                .hasMessageContaining("[application/cbor]")
                .hasMessageContaining("courier-json")
                .satisfies(e -> assertThat(((UnimplementedException) e).status()).isEqualTo(Status.UNIMPLEMENTED));
    }

    private record FakeCodec(String mediaType) implements Codec {
        @Override
        public byte[] encode(Object value, Type type) {
            return new byte[0];
        }

        @Override
        public Object decode(byte[] bytes, Type type) {
            return null;
        }
    }
}
