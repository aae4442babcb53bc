package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.CallContext;
import io.courier.InternalException;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.Dispatcher;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handler's own bug (a NullPointerException, a division by zero) is an internal error, never the
 * caller's fault: the caller gets INTERNAL with an error id and nothing of the exception, and the
 * server's log has the exception under that id, once, at ERROR.
 */
class HandlerFailureTest {
    private static final Pattern ERROR_ID = Pattern.compile("error id ([0-9a-f]{8})");

    public record Item(String sku, int quantity) {
    }

    @Service
    public interface Shelf {
        @Post("/reserve")
        int reserve(Item item);

        @Post("/ratio")
        int ratio(Item item);
    }

    /** Written for the null rule, with the bugs the rule cannot catch. */
    static final class BuggyShelf implements Shelf {
        @Override
        public int reserve(Item item) {
            String nothing = item.sku().isEmpty() ? item.sku() : null;
            return nothing.length();
        }

        @Override
        public int ratio(Item item) {
            return 100 / item.quantity();
        }
    }

    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ServiceDescriptor service = ServiceDescriptor.of(Shelf.class);
    private final Dispatcher dispatcher = new Dispatcher(List.of(), handlers, io.courier.Scheduler.of(scheduler));

    @AfterEach
    void stop() {
        handlers.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void aNullPointerExceptionOfTheHandlerIsInternalAndLoggedUnderItsErrorId() {
        assertInternalAndLogged("reserve", new Item("a", 1), NullPointerException.class);
    }

    @Test
    void anArithmeticExceptionOfTheHandlerIsInternalAndLoggedUnderItsErrorId() {
        assertInternalAndLogged("ratio", new Item("a", 0), ArithmeticException.class);
    }

    private void assertInternalAndLogged(String method, Item item, Class<? extends Exception> bug) {
        dispatcher.add(service, new BuggyShelf());
        try (LogCapture log = LogCapture.start()) {
            Throwable thrown = catchThrowable(() -> dispatcher.dispatch(service, service.method(method).orElseThrow(),
                    new Object[] {item}, CallContext.empty()).join());

            assertThat(thrown).isInstanceOf(CompletionException.class);
            Throwable failure = thrown.getCause();
            assertThat(failure).isInstanceOf(InternalException.class).hasMessageNotContaining(bug.getSimpleName());
            Matcher id = ERROR_ID.matcher(failure.getMessage());
            assertThat(id.find()).as("an error id in: %s", failure.getMessage()).isTrue();
            assertThat(log.lines("ERROR")).as("%s", log).singleElement().asString()
                    .endsWith("ERROR io.courier.internal.Errors - shelf." + method + " failed (error id " + id.group(1) + ")");
            assertThat(log.lines()).as("%s", log).anySatisfy(line -> assertThat(line).startsWith(bug.getName()));
            assertThat(log.stackTraceLines()).anySatisfy(line -> assertThat(line).contains("BuggyShelf." + method));
        }
    }
}
