package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** Which content types the shared port hands to the gRPC server, and which it refuses itself. */
class GrpcContentTypeTest {
    @Test
    void grpcOverHttp2AndGrpcWebOverEitherAreRead() {
        for (String type : new String[] {"application/grpc", "application/grpc+proto", "application/grpc+json"}) {
            assertThat(GrpcServerTransport.refusal(type, HttpVersion.HTTP_2)).as(type).isNull();
            assertThat(GrpcServerTransport.refusal(type, HttpVersion.HTTP_1_1)).as(type + " over HTTP/1.1")
                    .contains("over HTTP_1_1");
        }
        for (String type : new String[] {"application/grpc-web", "application/grpc-web-text+proto"}) {
            assertThat(GrpcServerTransport.refusal(type, HttpVersion.HTTP_2)).as(type).isNull();
            assertThat(GrpcServerTransport.refusal(type, HttpVersion.HTTP_1_1)).as(type).isNull();
        }
        assertThat(GrpcServerTransport.refusal("application/grpc+xml", HttpVersion.HTTP_2))
                .startsWith("content-type: \"application/grpc+xml\" (expected: gRPC over HTTP/2");
        assertThat(GrpcServerTransport.refusal(null, HttpVersion.HTTP_2)).startsWith("content-type: \"null\"");
    }
}
