package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code Instant} as {@code google.protobuf.Timestamp} and {@code Duration} as
 * {@code google.protobuf.Duration}: both are a message of {@code int64 seconds = 1} and
 * {@code int32 nanos = 2}. A Timestamp's nanos are 0 to 999,999,999; a Duration's have the sign
 * of its seconds, so -1.5 s is (-1, -500,000,000).
 */
final class SecondsNanosType extends ProtoType {
    private static final int SECONDS = ProtoType.tag(1, WireFormat.WIRETYPE_VARINT);
    private static final int NANOS = ProtoType.tag(2, WireFormat.WIRETYPE_VARINT);
    private static final int BILLION = 1_000_000_000;
    // Timestamp's documented range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
    private static final long MIN_SECONDS = -62_135_596_800L;
    private static final long MAX_SECONDS = 253_402_300_799L;

    static final SecondsNanosType TIMESTAMP = new SecondsNanosType(true);
    static final SecondsNanosType DURATION = new SecondsNanosType(false);

    private final boolean timestamp;

    private SecondsNanosType(boolean timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public String importPath() {
        return timestamp ? "google/protobuf/timestamp.proto" : "google/protobuf/duration.proto";
    }

    private long seconds(Object value) {
        if (timestamp) {
            return ((Instant) value).getEpochSecond();
        }
        Duration d = (Duration) value;
        return d.getSeconds() < 0 && d.getNano() > 0 ? d.getSeconds() + 1 : d.getSeconds();
    }

    private int nanos(Object value) {
        if (timestamp) {
            return ((Instant) value).getNano();
        }
        Duration d = (Duration) value;
        return d.getSeconds() < 0 && d.getNano() > 0 ? d.getNano() - BILLION : d.getNano();
    }

    private int bodySize(Object value) {
        long s = seconds(value);
        int n = nanos(value);
        return (s == 0 ? 0 : 1 + CodedOutputStream.computeInt64SizeNoTag(s))
                + (n == 0 ? 0 : 1 + CodedOutputStream.computeInt32SizeNoTag(n));
    }

    /** The size of a Timestamp holding {@code value}, its length prefix included. */
    static int timestampSizeNoTag(Instant value) {
        long s = value.getEpochSecond();
        int n = value.getNano();
        int size = (s == 0 ? 0 : 1 + CodedOutputStream.computeInt64SizeNoTag(s))
                + (n == 0 ? 0 : 1 + CodedOutputStream.computeUInt32SizeNoTag(n));
        // A body of at most 11 + 6 bytes (an Instant's nanos are never negative): a one-byte length.
        return 1 + size;
    }

    /** Writes {@code value} as a Timestamp, with its length prefix. */
    static void writeTimestampNoTag(CodedOutputStream out, Instant value) throws IOException {
        long s = value.getEpochSecond();
        int n = value.getNano();
        if (s < MIN_SECONDS || s > MAX_SECONDS) {
            throw EncodeFailure.of("Instant " + value, "out of the Timestamp range (expected: years 1 to 9999)");
        }
        out.writeUInt32NoTag(timestampSizeNoTag(value) - 1);
        if (s != 0) {
            out.writeUInt32NoTag(SECONDS);
            out.writeInt64NoTag(s);
        }
        if (n != 0) {
            out.writeUInt32NoTag(NANOS);
            out.writeUInt32NoTag(n);
        }
    }

    @Override
    int wireType() {
        return WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    @Override
    public String protoName(SchemaNames names) {
        return timestamp ? "google.protobuf.Timestamp" : "google.protobuf.Duration";
    }

    @Override
    Object defaultValue() {
        return null;
    }

    @Override
    boolean isDefault(Object value) {
        return value == null;
    }

    @Override
    int sizeNoTag(Object value) {
        int size = bodySize(value);
        return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    @Override
    void writeNoTag(CodedOutputStream out, Object value) throws IOException {
        if (timestamp) {
            long s = seconds(value);
            if (s < MIN_SECONDS || s > MAX_SECONDS) {
                throw EncodeFailure.of("Instant " + value, "out of the Timestamp range (expected: years 1 to 9999)");
            }
        }
        out.writeUInt32NoTag(bodySize(value));
        long s = seconds(value);
        int n = nanos(value);
        if (s != 0) {
            out.writeUInt32NoTag(SECONDS);
            out.writeInt64NoTag(s);
        }
        if (n != 0) {
            out.writeUInt32NoTag(NANOS);
            out.writeInt32NoTag(n);
        }
    }

    @Override
    Object read(CodedInputStream in, Limits limits, int depth) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        long s = 0;
        int n = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == SECONDS) {
                s = in.readInt64();
            } else if (tag == NANOS) {
                n = in.readInt32();
            } else if (!in.skipField(tag)) {
                throw DecodeFailure.unbalancedGroup();
            }
        }
        in.popLimit(limit);
        if (timestamp) {
            if (n < 0 || n >= BILLION || s < MIN_SECONDS || s > MAX_SECONDS) {
                throw new DecodeFailure("Timestamp (" + s + " s, " + n + " ns) (expected: nanos 0 to 999999999,"
                        + " years 1 to 9999)");
            }
            return Instant.ofEpochSecond(s, n);
        }
        if (n <= -BILLION || n >= BILLION || (s > 0 && n < 0) || (s < 0 && n > 0)) {
            throw new DecodeFailure("Duration (" + s + " s, " + n + " ns) (expected: nanos of the same sign as"
                    + " the seconds, at most 999999999 in size)");
        }
        return Duration.ofSeconds(s, n);
    }
}
