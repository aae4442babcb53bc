package io.courier.examples.readme;

import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.time.Duration;

// The README's first example, verbatim: ReadmeExampleTest runs it, so the README cannot rot.
public class Hello {
    @Service("greeter")
    public interface Greeter {
        @Get("/greetings/{name}")
        Greeting greet(@Path("name") String name);
    }

    public record Greeting(String text) {}

    public static void main(String[] args) {
        try (Courier courier = Courier.builder().name("greeter-service").build()) {
            courier.serve(Greeter.class, name -> new Greeting("Hello, " + name + "!"));

            Greeter greeter = courier.client(Greeter.class)
                    .target(courier.uri())               // http://127.0.0.1:<free port>
                    .deadline(Duration.ofMillis(500))
                    .build();
            System.out.println(greeter.greet("Ada").text());  // Hello, Ada!
        }
    }
}
