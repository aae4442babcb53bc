package io.courier.protobuf.mine;

/** A record with the simple name of {@code ProtoServiceTest.Line}, in another package. */
public record Line(String sku) {
}
