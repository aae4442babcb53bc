package io.courier.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ContractFiles} on {@code .proto} text and on protoc's descriptor sets: a hand-written
 * pair ({@code files/proto/v1} and {@code v2}) with every change named in v1's comments, each
 * judged per format and direction; the reader checked against protoc itself (its descriptor
 * set of a file and the reader's own of the same text compare as equal); malformed text
 * refused naming line and column.
 */
class ProtoFilesTest {
    static final Path FILES = Path.of("src/test/resources/files/proto");

    @TempDir
    static Path dir;
    static Path v1Set;
    static Path v2Set;

    @BeforeAll
    static void compileWithProtoc() throws Exception {
        v1Set = protoc("v1");
        v2Set = protoc("v2");
    }

    /** protoc --descriptor_set_out of {@code version}/shop.proto (the protoc Maven copies for the tests). */
    static Path protoc(String version) throws IOException, InterruptedException {
        Path protoc = Path.of(System.getProperty("protoc", "target/protoc/protoc.exe"));
        assertThat(protoc).as("protoc, copied by Maven").exists();
        protoc.toFile().setExecutable(true);
        Path out = dir.resolve(version + ".pb");
        Process p = new ProcessBuilder(protoc.toAbsolutePath().toString(), "-I" + FILES.resolve(version),
                "-I" + FILES.resolve("include"), "--descriptor_set_out=" + out, "shop.proto")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return out;
    }

    static final List<String> EXPECTED = List.of(
            "proto: Shop.Place request > message shop.v1.OrderRequest field 2 'count' | TYPE_CHANGED | Protobuf,gRPC: new->old",
            "proto: Shop.Place request > message shop.v1.OrderRequest field 3 'quantity' | TYPE_CHANGED | Protobuf,gRPC: old->new, new->old",
            "proto: Shop.Place request > message shop.v1.Line field 2 'amounts' | TYPE_CHANGED | Protobuf,gRPC: old->new",
            "proto: Shop.Place request > enum shop.v1.Line.Kind value KIND_FEE | ENUM_CONSTANT_REMOVED | Protobuf,gRPC: old->new",
            "proto: Shop.Place request > message shop.v1.OrderRequest field 5 'tags' value | TYPE_CHANGED | Protobuf,gRPC: new->old",
            "proto: Shop.Place request > message shop.v1.OrderRequest field 'note' | FIELD_RENUMBERED | Protobuf,gRPC: old->new, new->old",
            "proto: Shop.Place request > message shop.v1.OrderRequest field 6 'coupon' | FIELD_REMOVED | compatible",
            "proto: Shop.Place request > message shop.v1.OrderRequest field 13 'address' | FIELD_ADDED | compatible",
            "proto: Shop.Place response > enum shop.v1.Status value STATUS_SHIPPED | ENUM_CONSTANT_ADDED | Protobuf,gRPC: old->new",
            "proto: Shop.Place response > message shop.v1.Order field 4 'reference' | FIELD_RENAMED | compatible",
            "proto: rpc shop.v1.Shop.Cancel | METHOD_REMOVED | gRPC: old->new",
            "proto: rpc shop.v1.Shop.Watch | STREAMING_CHANGED | gRPC: old->new, new->old",
            "proto: rpc shop.v1.Shop.Refund | METHOD_ADDED | gRPC: new->old");

    @Test
    void eachChangeOfTheHandWrittenPairIsJudgedPerFormatAndDirection() {
        List<Change> changes = ContractFiles.compare(FILES.resolve("v1/shop.proto"), FILES.resolve("v2/shop.proto"));

        assertThat(Lines.of(changes)).containsExactlyElementsOf(EXPECTED);
        assertThat(changes.get(1).description()).isEqualTo("type int32 -> string: neither reads the other's value"
                + " (another wire type, or another meaning of the same bits)");
        assertThat(changes.get(6).description()).endsWith("(reserve 6 and 'coupon' so that no later field reuses them)");
        assertThat(ContractDiff.breaking(changes)).isTrue();
    }

    @Test
    void theReaderMakesOfTheTextWhatProtocMakes() {
        // Comparing protoc's descriptors with the reader's own of the same text: nothing differs.
        assertThat(ContractFiles.compare(FILES.resolve("v1/shop.proto"), v1Set)).isEmpty();
        assertThat(ContractFiles.compare(v2Set, FILES.resolve("v2/shop.proto"))).isEmpty();
        // And protoc's descriptor sets compare as the text does.
        assertThat(Lines.of(ContractFiles.compare(v1Set, v2Set))).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void descriptorSetsWithTheirImportsAndDirectoriesOfFilesThatImportEachOther() throws Exception {
        Path withImports = dir.resolve("v1-imports.pb");
        Path protoc = Path.of(System.getProperty("protoc", "target/protoc/protoc.exe"));
        Process p = new ProcessBuilder(protoc.toAbsolutePath().toString(), "-I" + FILES.resolve("v1"),
                "-I" + FILES.resolve("include"), "--include_imports", "--descriptor_set_out=" + withImports,
                "shop.proto").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        // Timestamp declared in the set, by name only in the text: the same type either way.
        assertThat(ContractFiles.compare(FILES.resolve("v1/shop.proto"), withImports)).isEmpty();

        write("e/common.proto", "syntax = \"proto3\";\npackage c;\nmessage Money { int64 cents = 1; }\n");
        write("e/orders.proto", "syntax = \"proto3\";\npackage o;\nimport \"common.proto\";\n"
                + "message Order { c.Money total = 1; }\n");
        write("f/common.proto", "syntax = \"proto3\";\npackage c;\nmessage Money { string cents = 1; }\n");
        write("f/orders.proto", "syntax = \"proto3\";\npackage o;\nimport \"common.proto\";\n"
                + "message Order { c.Money total = 1; }\n");
        assertThat(Lines.of(ContractFiles.compare(dir.resolve("e"), dir.resolve("f")))).containsExactly(
                "proto: message c.Money field 1 'cents' | TYPE_CHANGED | Protobuf,gRPC: old->new, new->old");
    }

    @Test
    void aVersionComparedWithItselfHasNoChanges() {
        assertThat(ContractFiles.compare(FILES.resolve("v1/shop.proto"), FILES.resolve("v1/shop.proto"))).isEmpty();
    }

    @Test
    void requiredFieldsOfProto2AndReservedNumbers() throws IOException {
        Path a = write("a/r.proto", """
                syntax = "proto2";
                package r;
                message M { optional string a = 1; required int32 b = 2; }
                """);
        Path b = write("b/r.proto", """
                syntax = "proto2";
                package r;
                message M { reserved 2; reserved "b"; optional string a = 1; required string c = 3; }
                """);

        assertThat(Lines.of(ContractFiles.compare(a, b))).containsExactly(
                "proto: message r.M field 2 'b' | FIELD_REMOVED | Protobuf,gRPC: old->new, new->old",
                "proto: message r.M field 3 'c' | FIELD_ADDED | Protobuf,gRPC: old->new, new->old");
        assertThat(ContractFiles.compare(a, b).get(0).description()).doesNotContain("reserve 2");
    }

    @Test
    void oneofsWireTypesAndAServiceThatChangedPackage() throws IOException {
        Path a = write("c/p.proto", """
                syntax = "proto3";
                package p.v1;
                service S { rpc Call(Req) returns (Res); }
                message Req { string a = 1; string b = 2; bytes c = 3; bool d = 4; }
                message Res { string x = 1; }
                """);
        Path b = write("d/p.proto", """
                syntax = "proto3";
                package p.v2;
                service S { rpc Call(Req) returns (Res); }
                message Req { oneof choice { string a = 1; string b = 2; } string c = 3; int32 d = 4; }
                message Res { string x = 1; }
                """);

        // Requests: the old client writes, the new server reads, and the other way.
        assertThat(Lines.of(ContractFiles.compare(a, b))).containsExactly(
                "proto: service p.v1.S | SERVICE_RENAMED | gRPC: old->new, new->old",
                "proto: S.Call request > message p.v2.Req field 1 'a' | ONEOF_CHANGED | Protobuf,gRPC: old->new",
                "proto: S.Call request > message p.v2.Req field 2 'b' | ONEOF_CHANGED | Protobuf,gRPC: old->new",
                "proto: S.Call request > message p.v2.Req field 3 'c' | TYPE_CHANGED | Protobuf,gRPC: old->new",
                "proto: S.Call request > message p.v2.Req field 4 'd' | TYPE_CHANGED | Protobuf,gRPC: new->old");
    }

    @Test
    void malformedTextIsRefusedNamingLineAndColumn() throws IOException {
        Path good = FILES.resolve("v1/shop.proto");
        Path extend = write("bad/extend.proto", """
                syntax = "proto3";
                package p;
                extend Foo { int32 x = 1; }
                """);
        assertThatThrownBy(() -> ContractFiles.compare(good, extend)).isInstanceOf(UnreadableContractException.class)
                .hasMessage(extend + ":3:1: unexpected 'extend': extensions are not supported (expected: package,"
                        + " import, option, message, enum or service)")
                .satisfies(e -> assertThat(((UnreadableContractException) e).line()).isEqualTo(3));

        Path missingNumber = write("bad/number.proto", "syntax = \"proto3\";\nmessage M {\n  string a = ;\n}\n");
        assertThatThrownBy(() -> ContractFiles.compare(good, missingNumber))
                .hasMessage(missingNumber + ":3:14: unexpected ';' (expected: an integer)");

        Path unclosed = write("bad/unclosed.proto", "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n");
        assertThatThrownBy(() -> ContractFiles.compare(good, unclosed))
                .hasMessage(unclosed + ":4:1: message M never closed (expected: })");

        Path editions = write("bad/editions.proto", "edition = \"2023\";\n");
        assertThatThrownBy(() -> ContractFiles.compare(good, editions))
                .hasMessageContaining("editions.proto:1:1: editions are not supported");

        Path notASet = write("bad/garbage.pb", "this is text, not a descriptor set\n");
        assertThatThrownBy(() -> ContractFiles.compare(v1Set, notASet)).isInstanceOf(UnreadableContractException.class)
                .hasMessageStartingWith(notASet + ": not a FileDescriptorSet (expected: the output of protoc"
                        + " --descriptor_set_out)");
    }

    @Test
    void mangledTextIsEitherReadOrRefusedAsUnreadableNeverAnythingElse() throws IOException {
        String text = Files.readString(FILES.resolve("v1/shop.proto"));
        java.util.Random random = new java.util.Random(42);
        String symbols = "{}[]()<>;=,.\"'-/* \nabc0129xmessage";
        int refused = 0;
        for (int i = 0; i < 500; i++) {
            StringBuilder mangled = new StringBuilder(text);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(mangled.length());
                switch (random.nextInt(3)) {
                    case 0 -> mangled.deleteCharAt(at);
                    case 1 -> mangled.insert(at, symbols.charAt(random.nextInt(symbols.length())));
                    default -> mangled.setLength(at);
                }
            }
            Path p = write("mangled/m" + i + ".proto", mangled.toString());
            try {
                ContractFiles.compare(p, p);
            } catch (UnreadableContractException e) {
                refused++;
                assertThat(e.getMessage()).startsWith(p + ":");
            }
        }
        assertThat(refused).as("most mangled files are refused").isGreaterThan(250);
    }

    @Test
    void messagesNestedThroughTheirFieldsWithoutEndAreRefusedNotOverflowed() throws IOException {
        StringBuilder chain = new StringBuilder("syntax = \"proto3\";\npackage deep;\n");
        for (int i = 0; i < 5000; i++) {
            chain.append("message M").append(i).append(" { M").append(i + 1).append(" next = 1; int32 v = 2; }\n");
        }
        chain.append("message M5000 { int32 v = 1; }\n");
        Path a = write("deep/a.proto", chain.toString());
        Path b = write("deep/b.proto", chain.toString().replace("message M5000 { int32 v = 1; }",
                "message M5000 { string v = 1; }"));

        assertThatThrownBy(() -> ContractFiles.compare(a, b)).isInstanceOf(UnreadableContractException.class)
                .hasMessageContaining("messages nested more than 200 deep through their fields");
    }

    @Test
    void filesLargerThanTheBoundAreRefusedUnread() throws IOException {
        Path big = dir.resolve("big/big.proto");
        Files.createDirectories(big.getParent());
        Files.write(big, new byte[(int) ContractFiles.MAX_FILE_SIZE + 1]);

        assertThatThrownBy(() -> ContractFiles.compare(FILES.resolve("v1/shop.proto"), big))
                .isInstanceOf(UnreadableContractException.class)
                .hasMessage(big + ": " + (ContractFiles.MAX_FILE_SIZE + 1) + " bytes (expected: at most "
                        + ContractFiles.MAX_FILE_SIZE + ")");
    }

    static Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }
}
