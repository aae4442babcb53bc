package io.courier.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server under test in its own JVM, started from the harness's own class path. */
final class ServerProcess implements AutoCloseable {
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC");

    private final Process process;
    private final int port;
    private final BufferedReader out;

    private ServerProcess(Process process, int port, BufferedReader out) {
        this.process = process;
        this.port = port;
        this.out = out;
    }

    static ServerProcess start(String kind) throws IOException {
        return start(kind, List.of());
    }

    /** With {@code extraFlags} after the usual ones, e.g. a profiler's {@code -agentpath}. */
    static ServerProcess start(String kind, List<String> extraFlags) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(extraFlags);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        // No registration in a local registry while measuring (courier-discovery is on the class path).
        command.add("-Dcourier.discovery=none");
        if (kind.equals("spring-rest")) {
            // The Spring Boot peer is built on its own, with Boot's versions: its own class path.
            String cp = System.getProperty("bench.spring.cp");
            if (cp == null) {
                throw new IOException("spring-rest needs -Dbench.spring.cp (benchmarks/run builds the peer and sets it)");
            }
            command.add("-cp");
            command.add(cp);
            command.add("io.courier.bench.spring.SpringRestPeer");
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Servers.class.getName());
            command.add(kind);
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return new ServerProcess(p, Integer.parseInt(line.substring(6).trim()), out);
            }
        }
        p.destroyForcibly();
        throw new IOException("server " + kind + " exited before it was ready (exit " + waitQuietly(p) + ")");
    }

    private static int waitQuietly(Process p) {
        try {
            return p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    int port() {
        return port;
    }

    /** The server JVM's process CPU time (ns) and heap bytes allocated so far, as it reports them. */
    long[] stats() throws IOException {
        process.getOutputStream().write("STATS\n".getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("STATS ")) {
                String[] f = line.split(" ");
                return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
            }
        }
        throw new IOException("server exited before it reported its figures");
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
