package io.courier.examples.ftgo.kitchen;

import java.util.List;

/** The kitchen's ticket for one order: what to cook and in how many minutes it is ready. */
public record Ticket(String id, String orderId, String restaurant, List<String> dishes, int readyInMinutes) {
}
