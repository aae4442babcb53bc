package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the start-up summary says of the class-data archive, and the archives kept. */
class ChildJvmTest {
    @TempDir
    Path dir;

    @Test
    void anArchiveTheJvmsReadWithoutAWordIsReportedMapped() throws IOException {
        ChildJvm jvm = new ChildJvm("", dir.resolve("demo-25-0000abcd.jsa"));
        Path log = Files.writeString(dir.resolve("consumer-1.log"), "[main] INFO io.courier.Courier - serving\n");
        assertThat(jvm.report(true, List.of(log))).isEqualTo("the JVMs mapped the class-data archive " + jvm.archive());
    }

    @Test
    void anArchiveAJvmRefusedIsReportedRefusedNotMapped() throws IOException {
        ChildJvm jvm = new ChildJvm("", dir.resolve("demo-25-0000abcd.jsa"));
        Path quiet = Files.writeString(dir.resolve("order-1.log"), "[main] INFO io.courier.Courier - serving\n");
        // What a JDK 25 prints when the class path no longer matches the archive's.
        Path refused = Files.writeString(dir.resolve("consumer-1.log"), """
                [0.277s][warning][cds] The name of app classpath [1] does not match: expected 'a.jar', got 'b.jar'
                [0.277s][error  ][cds] shared class paths mismatch (hint: enable -Xlog:class+path=info to diagnose the failure)
                [0.277s][warning][cds,dynamic] Unable to use shared archive. The top archive failed to load: demo.jsa
                [main] INFO io.courier.Courier - serving
                """);
        assertThat(jvm.report(true, List.of(quiet, refused))).startsWith("the JVMs refused the class-data archive "
                + jvm.archive() + " as out of date (see " + refused + ")").doesNotContain("mapped");
    }

    @Test
    void noArchiveYetOrNoPlaceForOneIsSaidSo() {
        assertThat(new ChildJvm("", dir.resolve("demo-25-0000abcd.jsa")).report(false, List.of()))
                .startsWith("no class-data archive yet");
        assertThat(new ChildJvm("", null).report(false, List.of())).isEqualTo("no class-data archive (no place to write it)");
    }

    @Test
    void onlyTheCurrentArchiveIsKept() throws IOException {
        Path current = Files.writeString(dir.resolve("demo-25-0000abcd.jsa"), "current");
        Path old = Files.writeString(dir.resolve("demo-25-1234ffff.jsa"), "old class path");
        Path olderJdk = Files.writeString(dir.resolve("demo-21-0000abcd.jsa"), "old JDK");
        Path jar = Files.writeString(dir.resolve("classes-0000abcd.jar"), "a jar of the class path");
        ChildJvm.dropOtherArchives(current);
        assertThat(current).exists();
        assertThat(jar).exists();
        assertThat(old).doesNotExist();
        assertThat(olderJdk).doesNotExist();
    }
}
