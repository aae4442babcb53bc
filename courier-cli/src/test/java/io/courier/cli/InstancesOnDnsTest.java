package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code courier instances SERVICE --dns NAME}: A/AAAA through the system's resolver (which reads
 * {@code /etc/hosts}), and SRV records from a name server on loopback written for the test.
 */
class InstancesOnDnsTest {
    @Test
    void listsTheAddressesANameResolvesToOnThePortGiven() {
        Cli c = Cli.run("instances", "inventory", "--dns", "localhost", "--port", "8080");
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).startsWith("SERVICE").contains("inventory", "UP", "http://127.0.0.1:8080",
                "(DNS: addresses of localhost)");
    }

    @Test
    void listsTheSrvRecordsANameServerGivesWithTheirPortsAndWeights() throws Exception {
        Map<String, List<Srv>> records = Map.of("_http._tcp.inventory.test",
                List.of(new Srv(0, 5, 8081, "127.0.0.1"), new Srv(0, 20, 8082, "127.0.0.2")));
        try (SrvServer dns = new SrvServer(records)) {
            String server = "dns://127.0.0.1:" + dns.port();
            Cli c = Cli.run("instances", "inventory", "--dns", "_http._tcp.inventory.test", "--dns-server", server);
            assertThat(c.exit).as("%s", c).isZero();
            assertThat(c.out.toString()).contains("http://127.0.0.1:8081", "http://127.0.0.2:8082", " 5", " 20",
                    "(DNS: SRV records of _http._tcp.inventory.test at " + server + ")");

            Cli none = Cli.run("instances", "billing", "--dns", "_http._tcp.billing.test", "--dns-server", server);
            assertThat(none.exit).as("%s", none).isZero();
            assertThat(none.out.toString()).startsWith("No instances of billing in DNS: no SRV records of "
                    + "_http._tcp.billing.test at " + server);
        }
    }

    @Test
    void optionsThatNeedDnsOrAServiceAreRefusedSayingWhatIsExpected() {
        Cli noService = Cli.run("instances", "--dns", "localhost");
        assertThat(noService.exit).isEqualTo(2);
        assertThat(noService.err.toString()).contains("DNS is asked one service at a time",
                "(expected: courier instances SERVICE --dns NAME)");
        Cli portAlone = Cli.run("instances", "inventory", "--port", "8080");
        assertThat(portAlone.exit).isEqualTo(2);
        assertThat(portAlone.err.toString()).contains("--port is for --dns");
        Cli notDns = Cli.run("instances", "inventory", "--dns", "x.test", "--dns-server", "10.0.0.2");
        assertThat(notDns.exit).isEqualTo(2);
        assertThat(notDns.err.toString()).contains("--dns-server 10.0.0.2 (expected: dns://HOST[:PORT])");
        Cli both = Cli.run("instances", "inventory", "--dns", "x.test", "--zookeeper", "127.0.0.1:1");
        assertThat(both.exit).isEqualTo(2);
        assertThat(both.err.toString()).contains("one registry at a time");
    }

    /** One SRV record: priority, weight, port, target host. */
    record Srv(int priority, int weight, int port, String target) {
    }

    /**
     * A name server on a loopback UDP port answering SRV questions from {@code records}, and
     * NXDOMAIN for any other name (RFC 1035 messages, RFC 2782 records).
     */
    private static final class SrvServer implements AutoCloseable {
        private final DatagramSocket socket;
        private final Map<String, List<Srv>> records;
        private final Thread thread;

        SrvServer(Map<String, List<Srv>> records) throws SocketException {
            this.records = records;
            this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            this.thread = Thread.ofPlatform().daemon().name("test-srv-server").start(this::serve);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                    socket.receive(query);
                    byte[] answer = answer(Arrays.copyOf(query.getData(), query.getLength()));
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                } catch (IOException | RuntimeException e) {
                    // closed, or a query this server does not read: the client asks again or fails
                }
            }
        }

        private byte[] answer(byte[] query) {
            int end = 12;
            StringBuilder name = new StringBuilder();
            while (query[end] != 0) {
                int length = query[end];
                name.append(name.isEmpty() ? "" : ".").append(new String(query, end + 1, length, StandardCharsets.US_ASCII));
                end += 1 + length;
            }
            end += 5; // the root label, QTYPE and QCLASS
            List<Srv> found = records.get(name.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer header = ByteBuffer.allocate(12).put(query, 0, 2) // the query's id
                    .putShort((short) (found == null ? 0x8183 : 0x8180)) // a response; NXDOMAIN when unknown
                    .putShort((short) 1).putShort((short) (found == null ? 0 : found.size())).putShort((short) 0)
                    .putShort((short) 0);
            out.writeBytes(header.array());
            out.write(query, 12, end - 12); // the question, as asked
            for (Srv r : found == null ? List.<Srv>of() : found) {
                ByteArrayOutputStream target = new ByteArrayOutputStream();
                for (String label : r.target().split("\\.")) {
                    target.write(label.length());
                    target.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
                }
                target.write(0);
                byte[] host = target.toByteArray();
                out.writeBytes(ByteBuffer.allocate(12 + 6).putShort((short) 0xc00c) // the question's name
                        .putShort((short) 33).putShort((short) 1).putInt(60).putShort((short) (6 + host.length))
                        .putShort((short) r.priority()).putShort((short) r.weight()).putShort((short) r.port()).array());
                out.writeBytes(host);
            }
            return out.toByteArray();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(5_000);
        }
    }
}
