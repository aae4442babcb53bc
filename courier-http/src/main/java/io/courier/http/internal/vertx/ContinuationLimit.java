package io.courier.http.internal.vertx;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the frames of one HTTP/2 header block a client sends (the CONTINUATION flood,
 * CVE-2024-27316's class): a HEADERS frame without END_HEADERS followed by CONTINUATION frames
 * that never end the block. Netty's frame reader bounds the block's bytes, not its frames, so
 * frames of no bytes would go on forever, each costing the server a frame's work. More than
 * {@link #maxContinuations} CONTINUATION frames in one block, or more than
 * {@value #MAX_EMPTY_FRAMES} frames of the block without a byte, end the connection with GOAWAY
 * {@code ENHANCE_YOUR_CALM}.
 *
 * <p>It follows the frame boundaries on the connection's bytes as they go to the HTTP/2 layer,
 * reading the 9-byte frame headers in place and skipping payloads, without copying or holding
 * a byte. It sits just below Vert.x's HTTP/2 handler once the connection is known to speak
 * HTTP/2: ALPN {@code h2} over TLS, the preface over cleartext (prior knowledge), or after an
 * h2c upgrade, behind Vert.x's upgrade handler (where the bytes after the request come out of
 * the removed HTTP/1.x decoder). An HTTP/1.x connection loses it with its first bytes or first
 * request, so it costs nothing afterwards.
 *
 * <p>The bound: a block Netty accepts is at most a quarter over the header list limit, and
 * clients fill frames up to the frame size (16 KB at least), so a legitimate block takes one or
 * two frames. {@value #MIN_CONTINUATIONS} CONTINUATION frames, or one for each 512 bytes of the
 * limit when that is more, let a block of the limit through even cut in pieces of 640 bytes.
 * A CONTINUATION frame of no bytes is never needed but to carry END_HEADERS after a full
 * frame, hence the few empty frames allowed.
 */
final class ContinuationLimit extends ChannelInboundHandlerAdapter {
    static final String NAME = "courierContinuationLimit";
    /** CONTINUATION frames one header block may have, at the least. */
    static final int MIN_CONTINUATIONS = 32;
    /** Frames of one header block (HEADERS or CONTINUATION) that may carry no byte. */
    static final int MAX_EMPTY_FRAMES = 2;
    private static final Logger log = LoggerFactory.getLogger(ContinuationLimit.class);
    private static final int PREFACE_BYTES = 24, FRAME_HEADER_BYTES = 9;
    private static final int HEADERS = 1, PUSH_PROMISE = 5, GOAWAY = 7, CONTINUATION = 9;
    private static final int END_HEADERS = 0x4;
    private static final int ENHANCE_YOUR_CALM = 0xb;

    private final int maxContinuations;
    /** Bytes to pass before the next frame header: the preface, or the current frame's payload. */
    private long skip = PREFACE_BYTES;
    /** A frame header split between reads: its bytes so far. */
    private final byte[] header = new byte[FRAME_HEADER_BYTES];
    private int headerBytes;
    private boolean inBlock;
    private int blockStream;
    private int continuations;
    private int emptyFrames;
    /** The last stream whose header block ended: the last the server may have taken. */
    private int lastStream;
    private boolean cut;

    ContinuationLimit(int maxContinuations) {
        this.maxContinuations = maxContinuations;
    }

    /** CONTINUATION frames allowed in one block under {@code options}' header list limit. */
    static int maxContinuations(HttpServerOptions options) {
        Http2Settings settings = options.getInitialSettings();
        long limit = settings == null ? 0 : settings.getMaxHeaderListSize();
        return (int) Math.max(MIN_CONTINUATIONS, Math.min(Integer.MAX_VALUE, limit / 512));
    }

    /**
     * Puts, in the pipeline of a connection Vert.x has just set up, what installs the limit once
     * the connection turns out to speak HTTP/2.
     */
    static void install(ChannelPipeline pipeline, HttpServerOptions options) {
        int max = maxContinuations(options);
        ChannelHandlerContext tls = pipeline.context(SslHandler.class);
        if (tls != null) {
            // The protocol is known once the handshake ends; the bytes after it come out of here.
            pipeline.addAfter(tls.name(), NAME, new Placement(max));
            return;
        }
        // Cleartext with h2c: past Vert.x's handler that tells the preface from an HTTP/1.x
        // request, where it puts the handlers of either.
        String before = pipeline.get(ChunkedWriteHandler.class) != null ? "chunkedWriter"
                : pipeline.get(IdleStateHandler.class) != null ? "idle" : "handler";
        if (pipeline.get(before) != null) {
            pipeline.addBefore(before, NAME, new Placement(max));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            if (msg instanceof HttpObject) {
                ctx.pipeline().remove(this); // an HTTP/1.x request that asked for no upgrade
            }
            ctx.fireChannelRead(msg); // or the upgrade request, made HTTP/2 frames by Vert.x
            return;
        }
        if (cut) {
            bytes.release();
            return;
        }
        if (!follow(bytes)) {
            bytes.release();
            cut(ctx);
            return;
        }
        ctx.fireChannelRead(bytes);
    }

    /** Follows the frames in {@code bytes}; false when the block's frames pass the bound. */
    private boolean follow(ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (at < end) {
            if (skip > 0) {
                int passed = (int) Math.min(skip, end - at);
                skip -= passed;
                at += passed;
            } else if (headerBytes == 0 && end - at >= FRAME_HEADER_BYTES) {
                if (!frame(bytes.getUnsignedMedium(at), bytes.getByte(at + 3), bytes.getByte(at + 4),
                        bytes.getInt(at + 5) & 0x7fffffff)) {
                    return false;
                }
                at += FRAME_HEADER_BYTES;
            } else {
                int taken = Math.min(FRAME_HEADER_BYTES - headerBytes, end - at);
                bytes.getBytes(at, header, headerBytes, taken);
                headerBytes += taken;
                at += taken;
                if (headerBytes == FRAME_HEADER_BYTES) {
                    headerBytes = 0;
                    int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                    int stream = (header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                            | header[8] & 0xff;
                    if (!frame(length, header[3], header[4], stream)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** One frame's header read; its payload is skipped next. */
    private boolean frame(int length, byte type, byte flags, int stream) {
        skip = length;
        boolean ends = (flags & END_HEADERS) != 0;
        if (inBlock) {
            if (type == CONTINUATION) {
                if (++continuations > maxContinuations || (length == 0 && ++emptyFrames > MAX_EMPTY_FRAMES)) {
                    return false;
                }
                if (ends) {
                    inBlock = false;
                    lastStream = Math.max(lastStream, blockStream);
                }
                return true;
            }
            inBlock = false; // any other frame inside a block is the HTTP/2 layer's protocol error
        }
        if (type == HEADERS || type == PUSH_PROMISE) {
            if (ends) {
                lastStream = Math.max(lastStream, stream);
            } else {
                inBlock = true;
                blockStream = stream;
                continuations = 0;
                emptyFrames = length == 0 ? 1 : 0;
            }
        }
        return true;
    }

    /**
     * GOAWAY and a close from here, below Vert.x (which would hold a close until its queue
     * drains), past the TLS handler and the gathered flushes, so the GOAWAY goes out first.
     */
    private void cut(ChannelHandlerContext ctx) {
        cut = true;
        log.debug("closing the HTTP/2 connection from {}: a header block of stream {} went past {} CONTINUATION frames"
                + " or {} empty ones", ctx.channel().remoteAddress(), blockStream, maxContinuations, MAX_EMPTY_FRAMES);
        ByteBuf goAway = ctx.alloc().buffer(FRAME_HEADER_BYTES + 8)
                .writeMedium(8).writeByte(GOAWAY).writeByte(0).writeInt(0)
                .writeInt(lastStream).writeInt(ENHANCE_YOUR_CALM);
        ctx.writeAndFlush(goAway);
        ctx.close();
    }

    /**
     * Where the limit goes, decided with the connection's first bytes past Vert.x's choice of
     * protocol: the limit in its place when the connection speaks HTTP/2, one behind Vert.x's h2c
     * upgrade handler while the first HTTP/1.x request may still ask for the upgrade, else none.
     */
    private static final class Placement extends ChannelInboundHandlerAdapter {
        /** The name Vert.x gives the handler of an h2c upgrade, which the first request goes through. */
        private static final String UPGRADE = "h2c";
        private final int maxContinuations;

        Placement(int maxContinuations) {
            this.maxContinuations = maxContinuations;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(Http2ConnectionHandler.class) != null) {
                pipeline.replace(this, NAME, new ContinuationLimit(maxContinuations)); // the preface comes first
            } else {
                pipeline.remove(this);
                if (pipeline.get(UPGRADE) != null) {
                    pipeline.addAfter(UPGRADE, NAME, new ContinuationLimit(maxContinuations));
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
