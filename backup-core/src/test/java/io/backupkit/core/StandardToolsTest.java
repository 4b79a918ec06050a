package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/FORMAT.md promises that a backup opens with tar and zstd alone; this holds it to that. */
class StandardToolsTest {
    @TempDir
    Path tmp;

    @Test
    void filesRestoreWithTarAndZstdAlone() throws Exception {
        requireTool("tar");
        requireTool("zstd");
        Path media = tmp.resolve("media");
        TestTrees.generate(media, 200, 77);
        Path store = tmp.resolve("store");
        BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build();
        BackupResult r = engine.backup(BackupRequest.builder(BackupType.FILES).name("nightly").tag("prod").build());
        Path folder = store.resolve("backups").resolve(r.id().value());

        Path out = Files.createDirectories(tmp.resolve("by-hand"));
        run(List.of("sh", "-c", "zstd -dc '" + folder.resolve("files/files.tar.zst") + "' | tar -xf - -C '" + out + "'"));
        // tar's pax headers carry microseconds; BackupKit's own restore uses the index's nanoseconds.
        Map<String, String> expected = TestTrees.snapshot(media, ChronoUnit.MICROS);
        assertThat(TestTrees.snapshot(out.resolve("media"), ChronoUnit.MICROS)).isEqualTo(expected);

        // The export is a plain tar too.
        Path export = tmp.resolve("export.tar");
        engine.exportBackup(r.id(), export);
        Path unpacked = Files.createDirectories(tmp.resolve("export-unpacked"));
        run(List.of("tar", "-xf", export.toString(), "-C", unpacked.toString()));
        assertThat(unpacked.resolve(r.id().value()).resolve("manifest.json")).hasSameTextualContentAs(folder.resolve("manifest.json"));
        String index = run(List.of("zstd", "-dc", folder.resolve("files/index.jsonl.zst").toString()));
        assertThat(index.lines()).hasSize(expected.size());
    }

    static void requireTool(String tool) {
        boolean present = Files.isExecutable(Path.of("/usr/bin", tool)) || Files.isExecutable(Path.of("/bin", tool));
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(tool + " is not installed: .ci/run installs it (apt-get install -y " + tool + ")");
        }
        Assumptions.assumeTrue(present, tool + " is not installed (apt-get install -y " + tool + ")");
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + " printed:\n" + output).isZero();
        return output;
    }
}
