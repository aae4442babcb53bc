package io.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/2 client over a plain socket that writes whatever frames a test asks for, valid or
 * not, with prior knowledge (no upgrade); a thread reads the server's frames and counts them, or
 * nothing reads them at all ({@code reading} false) for a client that never reads its socket.
 * Not thread-safe for writing: one test thread writes. Published in {@code courier-http:tests}
 * for courier-grpc's tests of answers on the shared port.
 */
public final class RawHttp2 implements Closeable {
    /** The address {@code server} listens on, for a raw client. */
    public static InetSocketAddress address(io.courier.Courier server) {
        java.net.URI uri = server.uri();
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    /** The heap in use after a collection, in bytes: what the server holds for the tests' clients. */
    public static long heapInUse() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    public static final int DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7,
            WINDOW_UPDATE = 8, CONTINUATION = 9;
    public static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    /** The error code of the server's GOAWAY, -1 until one arrives. */
    public final AtomicLong goAway = new AtomicLong(-1);
    public final AtomicInteger resets = new AtomicInteger();
    public final AtomicInteger responses = new AtomicInteger();
    public final AtomicInteger pingAcks = new AtomicInteger();
    public final AtomicInteger settingsAcks = new AtomicInteger();
    public final AtomicLong bytesRead = new AtomicLong();
    /** The {@code :status} of each stream's answer, by stream id. */
    public final java.util.Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    /** The streams whose answer the server ended (END_STREAM read). */
    public final java.util.Set<Integer> endedStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * The streams the server reset, by stream id, with the first error code each got: a later
     * RST_STREAM only answers frames of the client's that crossed the first.
     */
    public final java.util.Map<Integer, Long> resetCodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder decoder =
            new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false);
    /** The DATA bytes read, by stream id. */
    public final java.util.Map<Integer, AtomicLong> dataBytes = new java.util.concurrent.ConcurrentHashMap<>();
    public volatile boolean closedByServer;
    /** Why the reader stopped, when not at the end of the stream. */
    public volatile Exception readFailure;
    private Thread reader;

    private RawHttp2(Socket socket, boolean reading) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = reading ? Thread.ofPlatform().daemon().name("raw-h2-reader").start(this::read) : null;
    }

    /** Connects with prior knowledge, sending the preface and a SETTINGS frame of {@code settings} (id, value pairs). */
    public static RawHttp2 connect(InetSocketAddress address, boolean reading, int... settings) throws IOException {
        Socket socket = new Socket();
        if (!reading) {
            socket.setReceiveBufferSize(4096);
        }
        socket.connect(address, 5_000);
        return over(socket, reading, settings);
    }

    /**
     * Speaks HTTP/2 on {@code socket}, connected already (over TLS after ALPN chose {@code h2}, or
     * after an h2c upgrade's 101): the preface and a SETTINGS frame of {@code settings}.
     */
    public static RawHttp2 over(Socket socket, boolean reading, int... settings) throws IOException {
        socket.setTcpNoDelay(true);
        RawHttp2 h2 = new RawHttp2(socket, reading);
        h2.out.write(PREFACE);
        ByteBuffer payload = ByteBuffer.allocate(settings.length / 2 * 6);
        for (int i = 0; i < settings.length; i += 2) {
            payload.putShort((short) settings[i]).putInt(settings[i + 1]);
        }
        h2.frame(SETTINGS, 0, 0, payload.array());
        h2.frame(SETTINGS, ACK, 0, new byte[0]); // the server's own settings, acknowledged unread
        h2.out.flush();
        return h2;
    }

    public static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("localhost").path(path);
    }

    public static Http2Headers post(String path) {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost").path(path)
                .add("content-type", "application/json");
    }

    /** The HPACK block of {@code headers}, with this connection's encoder state. */
    public byte[] block(Http2Headers headers) {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.encodeHeaders(0, headers, buf);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    public void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(headers));
    }

    public void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, bytes);
    }

    public void rst(int stream, int code) throws IOException {
        frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(code).array());
    }

    public void ping(long data) throws IOException {
        frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(data).array());
    }

    public void windowUpdate(int stream, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    }

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
        out.write(head);
        out.write(payload);
    }

    /** Writes frames built in one array at once (many small frames without a system call each). */
    public void raw(byte[] frames) throws IOException {
        out.write(frames);
        out.flush();
    }

    public static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length).put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8))
                .put((byte) payload.length).put((byte) type).put((byte) flags).putInt(stream).put(payload).array();
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Starts reading the server's frames, for a client that did not read them until now. */
    public void startReading() {
        if (reader == null) {
            reader = Thread.ofPlatform().daemon().name("raw-h2-reader").start(this::read);
        }
    }

    @Override
    public String toString() {
        return "goAway=" + goAway.get() + " closed=" + closedByServer + " statuses=" + statuses + " resets=" + resetCodes
                + " pingAcks=" + pingAcks.get() + " data=" + dataBytes + " readFailure=" + readFailure;
    }

    /** The DATA bytes read on {@code stream}. */
    public long dataBytes(int stream) {
        AtomicLong n = dataBytes.get(stream);
        return n == null ? 0 : n.get();
    }

    /** Whether the server ended the connection (GOAWAY read, or the socket closed). */
    public boolean ended() {
        return goAway.get() >= 0 || closedByServer;
    }

    private void read() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] head = new byte[9];
            while (true) {
                in.readFully(head);
                int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
                int type = head[3];
                int flags = head[4];
                int stream = ((head[5] & 0x7f) << 24) | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | head[8] & 0xff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                bytesRead.addAndGet(9 + length);
                switch (type) {
                    case GOAWAY -> goAway.set(ByteBuffer.wrap(payload).getInt(4) & 0xffffffffL);
                    case RST_STREAM -> {
                        resetCodes.putIfAbsent(stream, ByteBuffer.wrap(payload).getInt() & 0xffffffffL);
                        resets.incrementAndGet();
                    }
                    case PING -> pingAcks.incrementAndGet();
                    case SETTINGS -> {
                        if ((flags & ACK) != 0) {
                            settingsAcks.incrementAndGet();
                        }
                    }
                    case HEADERS, DATA -> {
                        if (type == DATA) {
                            dataBytes.computeIfAbsent(stream, id -> new AtomicLong()).addAndGet(length);
                        }
                        if (type == HEADERS) {
                            // The server's heads are small: one frame each, unpadded (Vert.x adds a priority).
                            int skip = (flags & 0x20) != 0 ? 5 : 0;
                            try {
                                CharSequence status = decoder.decodeHeaders(stream,
                                        Unpooled.wrappedBuffer(payload, skip, payload.length - skip)).status();
                                if (status != null) {
                                    statuses.put(stream, Integer.parseInt(status.toString()));
                                }
                            } catch (Http2Exception e) {
                                throw new IOException("flags " + flags + " payload " + java.util.HexFormat.of().formatHex(payload), e);
                            }
                        }
                        if ((flags & END_STREAM) != 0) {
                            endedStreams.add(stream);
                            responses.incrementAndGet();
                        }
                    }
                    default -> { }
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            closedByServer = true;
        } catch (IOException | RuntimeException e) {
            readFailure = e;
            closedByServer = true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        if (reader != null) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
