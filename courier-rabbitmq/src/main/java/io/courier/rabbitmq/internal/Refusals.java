package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import io.courier.CourierException;
import io.courier.FailedPreconditionException;
import io.courier.PermissionDeniedException;
import io.courier.UnavailableException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RabbitMQ's refusals of what Courier asks (declares, binds, consumes, publishes) as Courier's
 * typed errors, each naming what was refused and what to do: RabbitMQ answers with an AMQP
 * reply code when it closes the channel (or the connection), and the client's exception text
 * alone says neither.
 *
 * <table>
 * <caption>Reply codes</caption>
 * <tr><th>code</th><th>error</th></tr>
 * <tr><td>403 ACCESS_REFUSED</td><td>{@link PermissionDeniedException}: the user, the virtual host, the
 *     exchange or queue, and the permission the refused method needs</td></tr>
 * <tr><td>404 NOT_FOUND</td><td>{@link UnavailableException}, retry-safe: deleted meanwhile, declared
 *     again on the retry</td></tr>
 * <tr><td>405 RESOURCE_LOCKED</td><td>{@link FailedPreconditionException}: a queue exclusive to another
 *     connection</td></tr>
 * <tr><td>406 PRECONDITION_FAILED</td><td>{@link FailedPreconditionException}: declared otherwise by
 *     another tool</td></tr>
 * <tr><td>any other (320 CONNECTION_FORCED, 541 INTERNAL_ERROR, a lost connection)</td><td>{@link
 *     UnavailableException}, retry-safe</td></tr>
 * </table>
 */
public final class Refusals {
    /** RabbitMQ's text of an ACCESS_REFUSED: what, which one, in which virtual host, for whom. */
    private static final Pattern ACCESS = Pattern.compile(
            "access to (exchange|queue|topic) '(.*)' in vhost '(.*)' refused for user '(.*)'");

    /** RabbitMQ's text of a NOT_FOUND for an exchange. */
    private static final Pattern NO_EXCHANGE = Pattern.compile("no exchange '(.*)' in vhost '");

    private Refusals() {
    }

    /**
     * The typed error of {@code e}, an exception of the AMQP client while {@code doing} (say,
     * "declaring the exchanges and queues of channel orders") as {@code user} on {@code vhost}.
     * A {@link CourierException} is returned as it is.
     */
    public static CourierException of(Throwable e, String doing, String user, String vhost) {
        if (e instanceof CourierException c) {
            return c;
        }
        Method reason = reason(e);
        int code = code(reason);
        String text = text(reason);
        return switch (code) {
            case AMQP.ACCESS_REFUSED -> new PermissionDeniedException(doing + ": RabbitMQ refused user '" + user
                    + "' access in virtual host '" + vhost + "' (" + text + "); " + needed(reason, text)
                    + " Grant it (rabbitmqctl set_permissions -p " + vhost + " " + user
                    + " <configure> <write> <read>, regular expressions of the names Courier uses: those of"
                    + " RabbitConfig.namespace), then retry");
            case AMQP.NOT_FOUND -> new UnavailableException(doing + ": RabbitMQ found no such exchange or queue ("
                    + text + "): it was deleted meanwhile; retry, which declares it again", Map.of(), true, e);
            case AMQP.RESOURCE_LOCKED -> new FailedPreconditionException(doing + ": RabbitMQ refused (" + text
                    + "): a queue of that name is exclusive to another connection (another tool's, or one that"
                    + " declared it exclusive). Close that connection, or delete the queue, and Courier declares"
                    + " its own");
            case AMQP.PRECONDITION_FAILED -> new FailedPreconditionException("RabbitMQ refused to declare an exchange"
                    + " or queue as Courier declares it (" + text + "): another tool declared it with other settings."
                    + " Delete it, or declare it as Courier does, and Courier declares it again");
            case 0 -> new UnavailableException(doing + " failed (" + e + "); retry once RabbitMQ is reachable",
                    Map.of(), true, e);
            default -> new UnavailableException(doing + ": RabbitMQ closed the " + (reason instanceof
                    AMQP.Connection.Close ? "connection" : "channel") + " (" + text + "); nothing was done, retry"
                    + " (Courier opens it again)", Map.of(), true, e);
        };
    }

    /**
     * The exchange RabbitMQ named when it refused access to one (ACCESS_REFUSED) or found none
     * (NOT_FOUND) in {@code e}; null when it named none.
     */
    static String exchange(Throwable e) {
        String text = text(reason(e));
        Matcher m = ACCESS.matcher(text);
        if (m.find()) {
            return m.group(1).equals("exchange") ? m.group(2) : null;
        }
        m = NO_EXCHANGE.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** Whether {@code e} is RabbitMQ's answer that what was asked for does not exist. */
    public static boolean notFound(Throwable e) {
        return code(reason(e)) == AMQP.NOT_FOUND;
    }

    /** The reply code of RabbitMQ's closing of a channel or connection in {@code e}'s causes; 0 if none. */
    static int code(Throwable e) {
        return code(reason(e));
    }

    /** RabbitMQ's reply text in {@code e}'s causes; empty if none. */
    static String text(Throwable e) {
        return text(reason(e));
    }

    /** The closing method RabbitMQ sent, found among {@code e}'s causes; null if none. */
    private static Method reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s && !s.isInitiatedByApplication()
                    && (s.getReason() instanceof AMQP.Channel.Close || s.getReason() instanceof AMQP.Connection.Close)) {
                return s.getReason();
            }
        }
        return null;
    }

    private static int code(Method reason) {
        return switch (reason) {
            case AMQP.Channel.Close c -> c.getReplyCode();
            case AMQP.Connection.Close c -> c.getReplyCode();
            case null, default -> 0;
        };
    }

    private static String text(Method reason) {
        return switch (reason) {
            case AMQP.Channel.Close c -> c.getReplyText();
            case AMQP.Connection.Close c -> c.getReplyText();
            case null, default -> "";
        };
    }

    /** Which permission the refused method needs, on what RabbitMQ named. */
    private static String needed(Method reason, String text) {
        Matcher m = ACCESS.matcher(text);
        String what = m.find() ? m.group(1) + " '" + m.group(2) + "'" : "the exchange or queue RabbitMQ named";
        int classId = reason instanceof AMQP.Channel.Close c ? c.getClassId() : 0;
        int methodId = reason instanceof AMQP.Channel.Close c ? c.getMethodId() : 0;
        String method = switch (classId * 1000 + methodId) {
            case 40_010 -> "exchange.declare needs configure on the exchange (and, with an alternate exchange,"
                    + " read on it and write on the alternate one)";
            case 50_010 -> "queue.declare needs configure on the queue (and, with a dead-letter exchange, read on"
                    + " the queue and write on that exchange)";
            case 50_020 -> "queue.bind needs write on the queue and read on the exchange";
            case 50_040 -> "queue.delete needs configure on the queue";
            case 60_040 -> "basic.publish needs write on the exchange";
            case 60_020, 60_070 -> "consuming needs read on the queue";
            default -> null;
        };
        return "the refused " + what + (method == null ? " needs a permission the user lacks." : ": " + method + ".");
    }
}
