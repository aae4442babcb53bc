package io.courier.discovery.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real DNS server on UDP loopback for tests, built on Netty's DNS codec: it answers SRV
 * questions from a table, NXDOMAIN for names it does not know, on the wire as any name server
 * would, so the resolver under test speaks real DNS.
 */
final class LoopbackDnsServer implements AutoCloseable {
    /** One SRV record. */
    record Srv(int priority, int weight, int port, String target) {
    }

    private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    LoopbackDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answer());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Sets the SRV records of {@code name} (a name without the trailing dot). */
    void srv(String name, List<Srv> records) {
        srv.put(name.toLowerCase(), List.copyOf(records));
    }

    /** The {@code dns://} URL of this server, for the JDK's resolver. */
    String url() {
        return "dns://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
                    : question.name();
            List<Srv> records = srv.get(name.toLowerCase());
            if (records == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (question.type() == DnsRecordType.SRV) {
                for (Srv r : records) {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.SRV,
                            5, srvData(r)));
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    /** The RDATA of an SRV record: priority, weight, port, then the target as DNS labels. */
    private static ByteBuf srvData(Srv r) {
        ByteBuf data = Unpooled.buffer();
        data.writeShort(r.priority()).writeShort(r.weight()).writeShort(r.port());
        for (String label : r.target().split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            data.writeByte(bytes.length).writeBytes(bytes);
        }
        data.writeByte(0);
        return data;
    }
}
