package io.courier.discovery.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real DNS server on UDP loopback for tests, built on Netty's DNS codec: it answers SRV
 * questions from a table, NXDOMAIN for names it does not know, on the wire as any name server
 * would, so the resolver under test speaks real DNS. It can also misbehave as a hostile or
 * broken server does: answer with CNAMEs (loops too), any TTL, the truncation bit set, a
 * datagram cut short, or not at all.
 */
final class LoopbackDnsServer implements AutoCloseable {
    /** One SRV record. */
    record Srv(int priority, int weight, int port, String target) {
    }

    private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
    private final Map<String, String> cnames = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile long ttl = 5;
    private volatile boolean silent;
    private volatile boolean truncated;
    private volatile int cutAt;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    LoopbackDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new Cut(), new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answer());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Sets the SRV records of {@code name} (a name without the trailing dot). */
    void srv(String name, List<Srv> records) {
        srv.put(name.toLowerCase(), List.copyOf(records));
    }

    /** Forgets the SRV records and the CNAME of {@code name}: NXDOMAIN again. */
    void remove(String name) {
        srv.remove(name.toLowerCase());
        cnames.remove(name.toLowerCase());
    }

    /** Answers {@code name} (any type) with a CNAME to {@code target}, followed as far as the table goes. */
    void cname(String name, String target) {
        cnames.put(name.toLowerCase(), target);
    }

    /** The TTL of every record answered from now on, in seconds (default 5). */
    void ttl(long seconds) {
        this.ttl = seconds;
    }

    /** Whether queries go unanswered. */
    void silent(boolean silent) {
        this.silent = silent;
    }

    /** Whether answers carry the truncation bit (TC), which sends a resolver to TCP, where nobody listens. */
    void truncated(boolean truncated) {
        this.truncated = truncated;
    }

    /** Cuts every answer's datagram to {@code bytes} (0: whole), without the truncation bit. */
    void cutAt(int bytes) {
        this.cutAt = bytes;
    }

    /** How many queries came. */
    int queries() {
        return queries.get();
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
            queries.incrementAndGet();
            if (silent) {
                return;
            }
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true);
            response.setTruncated(truncated);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
                    : question.name();
            Set<String> followed = new HashSet<>();
            while (cnames.containsKey(name.toLowerCase()) && followed.add(name.toLowerCase())) {
                String target = cnames.get(name.toLowerCase());
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name + ".", DnsRecordType.CNAME, ttl,
                        labels(target)));
                name = target;
            }
            List<Srv> records = srv.get(name.toLowerCase());
            if (records == null && followed.isEmpty()) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (records != null && question.type() == DnsRecordType.SRV) {
                for (Srv r : records) {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name + ".", DnsRecordType.SRV,
                            ttl, srvData(r)));
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    /** Cuts an answer's datagram short when told to. */
    private final class Cut extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            int cut = cutAt;
            if (cut > 0 && msg instanceof DatagramPacket p && p.content().readableBytes() > cut) {
                DatagramPacket shorter = p.replace(p.content().retainedSlice(p.content().readerIndex(), cut));
                p.release();
                ctx.write(shorter, promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }

    /** A name as DNS labels. */
    private static ByteBuf labels(String name) {
        ByteBuf data = Unpooled.buffer();
        for (String label : name.split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            data.writeByte(bytes.length).writeBytes(bytes);
        }
        data.writeByte(0);
        return data;
    }

    /** The RDATA of an SRV record: priority, weight, port, then the target as DNS labels. */
    private static ByteBuf srvData(Srv r) {
        ByteBuf data = Unpooled.buffer();
        data.writeShort(r.priority()).writeShort(r.weight()).writeShort(r.port());
        return data.writeBytes(labels(r.target()));
    }
}
