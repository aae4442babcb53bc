package io.courier.grpc.protection;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/2 gRPC client over a plain socket, with prior knowledge, that announces the stream
 * window a test asks for (0: the server may send no answer bytes until the test grants some) and
 * writes WINDOW_UPDATE and PING frames when told. A thread reads the server's frames: the DATA
 * bytes of each stream, the streams the server ended and the ones it reset. Not thread-safe for
 * writing: one test thread writes.
 */
final class RawGrpc implements Closeable {
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7,
            WINDOW_UPDATE = 8;
    private static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;

    private final Socket socket;
    private final OutputStream out;
    private final Thread reader;
    /** The DATA bytes read, by stream id. */
    final Map<Integer, AtomicLong> dataBytes = new ConcurrentHashMap<>();
    /** The streams whose answer the server ended (END_STREAM read). */
    final Set<Integer> ended = ConcurrentHashMap.newKeySet();
    /** The streams the server reset, with the first error code each got. */
    final Map<Integer, Long> resets = new ConcurrentHashMap<>();
    volatile boolean closedByServer;
    volatile long goAway = -1;

    private RawGrpc(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = Thread.ofPlatform().daemon().name("raw-grpc-reader").start(this::read);
    }

    /** Connects to {@code address} announcing a stream window of {@code window} bytes. */
    static RawGrpc connect(InetSocketAddress address, int window) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        socket.setTcpNoDelay(true);
        RawGrpc client = new RawGrpc(socket);
        client.out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.frame(SETTINGS, 0, 0, ByteBuffer.allocate(6).putShort((short) SETTINGS_INITIAL_WINDOW_SIZE)
                .putInt(window).array());
        client.frame(SETTINGS, ACK, 0, new byte[0]); // the server's own settings, acknowledged unread
        client.out.flush();
        return client;
    }

    /** A call of {@code path} (application/grpc) with one Protobuf {@code message}, on {@code stream}. */
    void call(int stream, String path, byte[] message) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", "POST");
        literal(block, ":scheme", "http");
        literal(block, ":path", path);
        literal(block, ":authority", "localhost");
        literal(block, "content-type", "application/grpc");
        literal(block, "te", "trailers");
        frame(HEADERS, END_HEADERS, stream, block.toByteArray());
        frame(DATA, END_STREAM, stream, grpcFrame(message));
    }

    /** A gRPC message frame: not compressed, its length, its bytes. */
    static byte[] grpcFrame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    void windowUpdate(int stream, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    }

    void ping(long data) throws IOException {
        frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(data).array());
    }

    void flush() throws IOException {
        out.flush();
    }

    long dataBytes(int stream) {
        AtomicLong n = dataBytes.get(stream);
        return n == null ? 0 : n.get();
    }

    @Override
    public String toString() {
        return "goAway=" + goAway + " closed=" + closedByServer + " ended=" + ended + " resets=" + resets + " data="
                + dataBytes;
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(ByteBuffer.allocate(9 + payload.length).put((byte) (payload.length >>> 16))
                .put((byte) (payload.length >>> 8)).put((byte) payload.length).put((byte) type).put((byte) flags)
                .putInt(stream).put(payload).array());
    }

    /** An HPACK literal header field without indexing, new name, no Huffman coding (RFC 7541 6.2.2). */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        for (String s : new String[] {name, value}) {
            byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
            block.write(bytes.length); // shorter than 127: one byte, Huffman bit clear
            block.writeBytes(bytes);
        }
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
                switch (type) {
                    case GOAWAY -> goAway = ByteBuffer.wrap(payload).getInt(4) & 0xffffffffL;
                    case RST_STREAM -> resets.putIfAbsent(stream, ByteBuffer.wrap(payload).getInt() & 0xffffffffL);
                    case DATA, HEADERS -> {
                        if (type == DATA) {
                            dataBytes.computeIfAbsent(stream, s -> new AtomicLong()).addAndGet(length);
                        }
                        if ((flags & END_STREAM) != 0) {
                            ended.add(stream);
                        }
                    }
                    default -> { }
                }
            }
        } catch (EOFException | SocketException e) {
            closedByServer = true;
        } catch (IOException | RuntimeException e) {
            closedByServer = true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
