package io.courier.examples.ftgo.order;

import io.courier.InvalidArgumentException;
import io.courier.examples.ftgo.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What the order service accepts before it charges anyone: a restaurant, 1 to {@value #MAX_ITEMS}
 * line items, each a dish ordered 1 to {@value #MAX_QUANTITY} times at a price of zero or more, in
 * cents, all in one currency of three capital letters. Every problem is named in one
 * {@link InvalidArgumentException} (400 over REST, {@code INVALID_ARGUMENT} over gRPC).
 */
final class OrderChecks {
    static final int MAX_ITEMS = 50;
    static final int MAX_QUANTITY = 99;

    private OrderChecks() {
    }

    static void check(NewOrder order) {
        List<String> problems = new ArrayList<>(0);
        if (order.restaurant().isBlank()) {
            problems.add("restaurant: blank (expected: the restaurant's name)");
        }
        List<LineItem> items = order.items();
        if (items.isEmpty()) {
            problems.add("items: empty (expected: at least one line item)");
        } else if (items.size() > MAX_ITEMS) {
            problems.add("items: " + items.size() + " line items (expected: at most " + MAX_ITEMS + ")");
        } else {
            String currency = items.get(0).price().currency();
            for (int i = 0; i < items.size(); i++) {
                LineItem item = items.get(i);
                String at = "items[" + i + "].";
                if (item.dish().isBlank()) {
                    problems.add(at + "dish: blank (expected: the dish's name)");
                }
                if (item.quantity() < 1 || item.quantity() > MAX_QUANTITY) {
                    problems.add(at + "quantity: " + item.quantity() + " (expected: from 1 to " + MAX_QUANTITY + ")");
                }
                problems.addAll(price(at + "price.", item.price(), currency));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException(String.join("; ", problems));
        }
    }

    private static List<String> price(String at, Money price, String currency) {
        List<String> problems = new ArrayList<>(0);
        BigDecimal amount = price.amount();
        if (amount.signum() < 0 || amount.compareTo(BigDecimal.valueOf(10_000)) > 0 || amount.stripTrailingZeros().scale() > 2) {
            problems.add(at + "amount: " + amount.toString() + " (expected: from 0 to 10000, in cents at most)");
        }
        if (!price.currency().matches("[A-Z]{3}")) {
            problems.add(at + "currency: \"" + price.currency() + "\" (expected: three capital letters, such as EUR)");
        } else if (!price.currency().equals(currency)) {
            problems.add(at + "currency: " + price.currency() + " (expected: " + currency
                    + ", the currency of the first line item)");
        }
        return problems;
    }
}
