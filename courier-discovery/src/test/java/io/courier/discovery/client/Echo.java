package io.courier.discovery.client;

import io.courier.annotation.Get;
import io.courier.annotation.Service;

/** The contract the discovery tests serve: each instance says who it is (GET: idempotent). */
@Service("echo")
public interface Echo {
    @Get("/whoami")
    String whoami();
}
