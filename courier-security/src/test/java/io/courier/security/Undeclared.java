package io.courier.security;

import io.courier.annotation.Get;
import io.courier.annotation.Service;

/** A contract that declares no access at all. */
@Service("undeclared")
public interface Undeclared {
    @Get("/hello")
    String hello();
}
