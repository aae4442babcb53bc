package io.courier.http.internal.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.net.NetServerOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServerTuningTransportTest {
    /** Stands for Vert.x's own handler of a connection: records that it was put in place. */
    private static final class Marker extends ChannelInboundHandlerAdapter {
    }

    private static EmbeddedChannel acceptedConnection() throws Exception {
        ServerBootstrap bootstrap = new ServerBootstrap().childHandler(new Marker());
        ServerTuningTransport.NIO.implementation().configure(new NetServerOptions(), false, bootstrap);
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(bootstrap.config().childHandler());
        channel.register();
        return channel;
    }

    @Test
    void aServerConnectionGathersItsFlushesInFrontOfVertxsHandlers() throws Exception {
        EmbeddedChannel channel = acceptedConnection();

        List<Class<?>> handlers = new ArrayList<>();
        channel.pipeline().forEach(e -> handlers.add(e.getValue().getClass()));
        assertThat(handlers).containsExactly(GatheredFlushes.class, Marker.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void answersWrittenByTasksOfTheLoopShareOneFlush() throws Exception {
        AtomicInteger socketFlushes = new AtomicInteger();
        // Stands for Vert.x's handler: once connected, three answers finished by virtual threads,
        // each written and flushed by a task of the loop, outside a read.
        ChannelInboundHandlerAdapter answers = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void flush(ChannelHandlerContext head) {
                        socketFlushes.incrementAndGet();
                        head.flush();
                    }
                });
                ctx.channel().eventLoop().execute(() -> {
                    for (String answer : List.of("a", "b", "c")) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII));
                    }
                });
            }
        };
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                    .childHandler(answers);
            ServerTuningTransport.NIO.implementation().configure(new NetServerOptions(), false, bootstrap);
            Channel server = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5_000);
                client.setSoTimeout(5_000);
                assertThat(new String(client.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("abc");
            } finally {
                server.close().sync();
            }
        } finally {
            loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        assertThat(socketFlushes).as("flushes that reached the socket").hasValue(1);
    }

    /**
     * A frame written as two writes (as Netty writes an HTTP/2 frame's header, then its payload)
     * whose first write crosses the connection's high-water mark, while an earlier answer's flush
     * waits: Netty reports the connection unwritable from within that write. Flushing there sent
     * the earlier answer, whose listener wrote its next frame (as a gRPC answer's trailers follow
     * its last part) between the two halves of the frame, which the client then read as the
     * frame's payload (seen as an HPACK block that did not decode). The bytes leave in the order
     * they were written.
     */
    @Test
    void aWriteCrossingTheHighWaterMarkIsNotSplitByWritesOfAnEarlierWritesListener() throws Exception {
        byte[] half = "h".repeat(4096).getBytes(StandardCharsets.US_ASCII); // twice the high-water mark
        ChannelInboundHandlerAdapter answers = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.channel().eventLoop().execute(() -> {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII)).addListener(written ->
                            ctx.writeAndFlush(Unpooled.copiedBuffer("t", StandardCharsets.US_ASCII)));
                    ctx.write(Unpooled.wrappedBuffer(half));
                    ctx.write(Unpooled.copiedBuffer("[", StandardCharsets.US_ASCII));
                    ctx.writeAndFlush(Unpooled.copiedBuffer("]", StandardCharsets.US_ASCII));
                });
            }
        };
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024, 2048))
                    .childHandler(answers);
            ServerTuningTransport.NIO.implementation().configure(new NetServerOptions(), false, bootstrap);
            Channel server = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5_000);
                client.setSoTimeout(5_000);
                byte[] read = client.getInputStream().readNBytes(1 + half.length + 3);
                String order = new String(read, StandardCharsets.US_ASCII).replace(new String(half, StandardCharsets.US_ASCII), "H");
                assertThat(order).as("the frame's halves together, the listener's write after them").isEqualTo("aH[]t");
            } finally {
                server.close().sync();
            }
        } finally {
            loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theFlushesOfAReadGoOutOnceAsTheReadEndsNotInALaterTask() {
        List<String> events = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                events.add("socket flush");
                ctx.flush();
            }
        }, new GatheredFlushes(ServerTuningTransport.FLUSHES_PER_WRITE), new ChannelInboundHandlerAdapter() {
            // Stands for Vert.x's handler: an answer written and flushed per request, and a flush as the read ends.
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.flush();
                events.add("read handled");
            }
        });

        channel.pipeline().fireChannelRead(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII));
        channel.pipeline().fireChannelRead(Unpooled.copiedBuffer("b", StandardCharsets.US_ASCII));
        channel.pipeline().fireChannelReadComplete();

        assertThat(events).as("before any task of the loop has run")
                .containsExactly("read handled", "socket flush");
        channel.runPendingTasks();
        assertThat(events).as("no flush left for a task").containsExactly("read handled", "socket flush");
        assertThat(channel.outboundMessages()).hasSize(2);
        channel.finishAndReleaseAll();
    }
}
