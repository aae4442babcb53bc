package io.courier.bench.spring;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON echo as a Spring Boot user writes it: a {@code @RestController} on Tomcat. Speaks the
 * harness's protocol: prints {@code READY <port>} and exits when standard input closes.
 */
@SpringBootApplication
@RestController
public class SpringRestPeer implements ApplicationListener<WebServerInitializedEvent> {
    /** The echoed message. */
    public record Payload(String id, int sequence, String text) {
    }

    @PostMapping(path = "/echo", consumes = "application/json", produces = "application/json")
    public Payload echo(@RequestBody Payload payload) {
        return payload;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        System.out.println("READY " + event.getWebServer().getPort());
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        SpringApplication app = new SpringApplication(SpringRestPeer.class);
        app.setDefaultProperties(java.util.Map.of("server.port", "0", "server.address", "127.0.0.1",
                "spring.main.banner-mode", "off", "logging.level.root", "WARN"));
        ConfigurableApplicationContext context = app.run(args);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the harness to close our input
        }
        context.close();
        System.exit(0);
    }
}
