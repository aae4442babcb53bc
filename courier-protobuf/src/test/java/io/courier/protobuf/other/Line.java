package io.courier.protobuf.other;

/** A record with the simple name of {@code ProtoServiceTest.Line}, in another package. */
public record Line(String text, int number) {
}
