package io.courier.cli;

import io.courier.NotFoundException;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.util.Map;

/** A small service the tests call through the command line. */
@Service("greeter")
public interface Greeter {
    /** A greeting for a person (no HTTP mapping: POST /greeter/greet). */
    Greeting greet(Person person);

    /** A greeting by name, mapped; NOT_FOUND for "nobody". */
    @Get("/greetings/{name}")
    Greeting byName(@Path("name") String name);

    record Person(String name, int age) {
    }

    record Greeting(String text) {
    }

    /** The implementation. */
    final class Impl implements Greeter {
        @Override
        public Greeting greet(Person person) {
            return new Greeting("Hello, " + person.name() + " (" + person.age() + ")");
        }

        @Override
        public Greeting byName(String name) {
            if (name.equals("nobody")) {
                throw new NotFoundException("no greeting for " + name, Map.of("name", name));
            }
            return new Greeting("Hello, " + name);
        }
    }
}
