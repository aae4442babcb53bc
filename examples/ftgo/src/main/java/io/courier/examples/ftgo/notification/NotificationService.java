package io.courier.examples.ftgo.notification;

import io.courier.annotation.Get;
import io.courier.annotation.OneWay;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.util.List;

/**
 * The notification service's contract: {@link #send} is a one-way command the order service
 * sends over the broker; {@link #sent} is read over REST or gRPC.
 */
@Service("notification")
public interface NotificationService {
    /** Sends a notice to the consumer; returns as soon as the command is on its way. */
    @OneWay
    void send(Notice notice);

    /** The notices sent to a consumer, oldest first. */
    @Get("/notifications/{consumerId}")
    List<Notice> sent(@Path("consumerId") long consumerId);
}
