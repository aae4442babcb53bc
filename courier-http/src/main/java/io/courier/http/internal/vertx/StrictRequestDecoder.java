package io.courier.http.internal.vertx;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpServerOptions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.x request decoder of a Courier server: Netty's, configured as Vert.x configures its
 * own, but refusing a request that carries both {@code Content-Length} and
 * {@code Transfer-Encoding: chunked}, or transfer codings other than {@code chunked} alone.
 * Netty reads the first by its chunks and keeps the connection, while a proxy in front may have
 * read it by its length; it reads {@code chunked, gzip} as chunked too: what one takes for the
 * body the other takes for the next request (request smuggling, RFC 9112 6.3 and 11.2). Refused,
 * such a request reaches the server's handler of malformed requests, which answers 400 (501 for
 * a coding not implemented) and closes the connection, so nothing behind it on that connection
 * is read.
 *
 * <p>Vert.x adds its decoder, named {@value #NAME}, when a connection turns out to speak
 * HTTP/1.x: at the accept, after the TLS handshake, or after the first bytes on a port that
 * also speaks h2c. {@link #install} puts a {@link Swap} where those bytes pass just before they
 * reach it, which puts this decoder in its place and steps aside.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    /** The name Vert.x gives its HTTP/1.x request decoder, and looks it up by. */
    static final String NAME = "httpDecoder";
    private static final String SWAP = "courierDecoderSwap";
    private static final Logger log = LoggerFactory.getLogger(StrictRequestDecoder.class);
    private static final AtomicBoolean warned = new AtomicBoolean();
    private static final AsciiString[] LOWER_CASE = {HttpHeaderNames.HOST, HttpHeaderNames.ACCEPT,
        HttpHeaderNames.CONNECTION, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH};

    StrictRequestDecoder(HttpServerOptions options) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(options.getMaxInitialLineLength())
                .setMaxHeaderSize(options.getMaxHeaderSize())
                .setMaxChunkSize(options.getMaxChunkSize())
                .setInitialBufferSize(options.getDecoderInitialBufferSize()));
    }

    /**
     * The common names in lower case (what HTTP/2-minded clients send over HTTP/1.1 too) as
     * constants, as Vert.x's decoder has them, beside those Netty has in capitals: one string
     * less per header.
     */
    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
        byte first = sb[start];
        if (first == 'h' || first == 'a' || first == 'c') {
            for (AsciiString name : LOWER_CASE) {
                if (name.length() == length
                        && Arrays.equals(sb, start, start + length, name.array(), name.arrayOffset(), name.arrayOffset() + length)) {
                    return name;
                }
            }
        }
        return super.splitHeaderName(sb, start, length);
    }

    /** As Netty makes it, but with Vert.x's own headers, which Vert.x reads without a wrapper. */
    @Override
    protected HttpMessage createMessage(String[] initialLine) {
        return io.vertx.core.http.HttpHeaders.headers() instanceof HttpHeaders vertx
                ? new DefaultHttpRequest(HttpVersion.valueOf(initialLine[2]), HttpMethod.valueOf(initialLine[0]),
                        initialLine[1], vertx)
                : new DefaultHttpRequest(HttpVersion.valueOf(initialLine[2]), HttpMethod.valueOf(initialLine[0]),
                        initialLine[1]);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Thrown here, Netty marks the request malformed with this cause and discards what follows.
        throw new IllegalArgumentException("both Content-Length and Transfer-Encoding: chunked (expected: one of them)");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int from = out.size();
        super.decode(ctx, buffer, out);
        for (int i = from; i < out.size(); i++) {
            if (out.get(i) instanceof HttpRequest request && request.decoderResult().isSuccess()) {
                HttpVersion version = request.protocolVersion();
                if (version.majorVersion() != 1 || version.minorVersion() > 1) {
                    // Vert.x would answer 501 with no body; HTTP/2 never sends a request line.
                    request.setProtocolVersion(HttpVersion.HTTP_1_1);
                    request.setDecoderResult(DecoderResult.failure(new UnsupportedHttpVersion("request: " + version.text()
                            + " (expected: HTTP/1.1 or HTTP/1.0 on this connection; HTTP/2 begins with its preface or an"
                            + " h2c upgrade)")));
                    continue;
                }
                HttpHeaders headers = request.headers();
                String first = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
                if (first != null) { // rare: most requests have a length
                    List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
                    if (codings.size() > 1 || !first.strip().equalsIgnoreCase("chunked")) {
                        request.setDecoderResult(DecoderResult.failure(transferCodings(String.join(", ", codings))));
                    }
                }
            }
        }
    }

    /**
     * Why a request with these transfer codings, other than {@code chunked} alone, is refused:
     * without {@code chunked} last (or with it twice) its length cannot be known (400 and close,
     * RFC 9112 6.3); with other codings before it, they are ones this server does not implement
     * (501, RFC 9112 6.1). Netty would read the first as chunked and ignore the others.
     */
    private static IllegalArgumentException transferCodings(String codings) {
        String shown = codings.length() > 64 ? codings.substring(0, 61) + "..." : codings;
        String[] each = codings.split(",", -1);
        long chunked = Arrays.stream(each).filter(c -> c.strip().equalsIgnoreCase("chunked")).count();
        if (chunked != 1 || !each[each.length - 1].strip().equalsIgnoreCase("chunked")) {
            return new IllegalArgumentException("Transfer-Encoding: " + shown
                    + " (expected: chunked, once and last, so that the body's length is known)");
        }
        return new UnsupportedTransferCoding("Transfer-Encoding: " + shown + " (expected: chunked alone; no other"
                + " transfer coding is implemented, send Content-Encoding for a compressed body)");
    }

    /**
     * Arranges for the HTTP/1.x decoder of the connection whose pipeline Vert.x has just set up to
     * be this one.
     */
    static void install(ChannelPipeline pipeline, HttpServerOptions options) {
        if (pipeline.get(NAME) != null) {
            swap(pipeline, options);
            return;
        }
        ChannelHandlerContext tls = pipeline.context(SslHandler.class);
        if (tls != null) {
            // The protocol is known once the handshake ends; the bytes after it come out of here.
            pipeline.addAfter(tls.name(), SWAP, new Swap(options));
            return;
        }
        // On a port that also speaks h2c, Vert.x adds its decoder before the first of these it finds.
        String before = pipeline.get(ChunkedWriteHandler.class) != null ? "chunkedWriter"
                : pipeline.get(IdleStateHandler.class) != null ? "idle" : "handler";
        if (pipeline.get(before) != null) {
            pipeline.addBefore(before, SWAP, new Swap(options));
        } else if (!warned.getAndSet(true)) {
            log.warn("a connection's HTTP/1.x decoder cannot be replaced (Vert.x's handlers are {}): a request with both"
                    + " Content-Length and Transfer-Encoding is read by its chunks", pipeline.names());
        }
    }

    private static void swap(ChannelPipeline pipeline, HttpServerOptions options) {
        ChannelHandler decoder = pipeline.get(NAME);
        if (decoder != null && !(decoder instanceof StrictRequestDecoder)) {
            pipeline.replace(NAME, NAME, new StrictRequestDecoder(options));
        }
    }

    /** Puts the decoder in place as the connection's first bytes go past, then leaves the pipeline. */
    static final class Swap extends ChannelInboundHandlerAdapter {
        private final HttpServerOptions options;

        Swap(HttpServerOptions options) {
            this.options = options;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelPipeline pipeline = ctx.pipeline();
            swap(pipeline, options); // none when the connection speaks HTTP/2
            pipeline.remove(this);
            ctx.fireChannelRead(msg);
        }
    }
}
