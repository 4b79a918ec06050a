package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quickstart is this code, character for character; the test runs it and checks README still shows it. */
class ReadmeQuickstartTest {
    @TempDir
    Path workDir;

    @Test
    void theQuickstartRunsAndRestoresTheFiles() throws IOException {
        Path media = Files.createDirectories(workDir.resolve("media/avatars"));
        Files.writeString(media.resolve("alice.png"), "not really a png");
        Path backups = workDir.resolve("backups");

        // README:quickstart:start
        BackupEngine engine = BackupKit.builder()
                .storage("file:" + backups)                 // or "file:./backups", "s3://bucket/app", a StorageProvider
                .files(workDir.resolve("media"))            // the application's uploaded files
                .build();

        BackupResult result = engine.backup(BackupType.FILES);
        System.out.println("created " + result.id() + ", " + result.manifest().storedBytes() + " bytes");

        for (BackupInfo b : engine.list()) {                // newest first
            System.out.println(b.id() + " " + b.type() + " " + b.createdAt());
        }
        VerifyReport report = engine.verify(result.id());   // re-reads every object, checks size + SHA-256
        System.out.println(report.ok() ? "intact" : "damaged: " + report.problems());

        engine.restore(RestoreRequest.builder(result.id())
                .filesTarget(workDir.resolve("restored-media"))    // default: back where it came from
                .build());
        // README:quickstart:end

        assertThat(report.ok()).isTrue();
        assertThat(workDir.resolve("restored-media/avatars/alice.png")).hasContent("not really a png");
        engine.close();
    }

    @Test
    void readmeShowsExactlyTheTestedCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/backupkit/core/ReadmeQuickstartTest.java"));
        String block = source.substring(source.indexOf("// README:quickstart:start") + "// README:quickstart:start".length(),
                source.indexOf("        // README:quickstart:end"));
        List<String> lines = block.lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .toList();
        String expected = String.join("\n", lines).strip();
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).as("README.md must show the quickstart exactly as ReadmeQuickstartTest runs it")
                .contains(expected);
    }
}
