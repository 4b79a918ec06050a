package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.CleanupResult;
import io.backupkit.core.KilledBackupChild.StopAt;
import io.backupkit.storage.local.LocalStorageProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup whose process is killed ({@code SIGKILL}, nothing runs after it) leaves no listed backup, and the
 * explicit clean-up removes everything it left under {@code backups/}: completed objects, the partly written
 * temporary file of the put that was running, and the folders.
 *
 * <p>A child JVM runs the backup and stops at an exact point (it announces it and blocks; see
 * {@link KilledBackupChild}), where this test kills it.
 */
class KilledBackupTest {
    @TempDir
    Path tmp;
    Path media;
    Path store;

    @BeforeEach
    void setUp() throws IOException {
        media = tmp.resolve("media");
        TestTrees.generate(media, 60, 21);
        // Incompressible, so the archive object is well past the point where the child stops inside it.
        TestTrees.largeFile(media.resolve("big.bin"), 2_000_000, 22);
        store = tmp.resolve("store");
    }

    @ParameterizedTest(name = "killed {0}")
    @EnumSource(StopAt.class)
    void aKilledBackupIsNotListedAndCleanUpRemovesEverythingItLeft(StopAt stopAt) throws Exception {
        String stoppedAt = runChildAndKillIt(stopAt);

        List<Path> left = filesUnder(store.resolve("backups"));
        List<Path> temps = left.stream().filter(p -> p.getFileName().toString().startsWith(".put-")).toList();
        List<String> objects = left.stream().filter(p -> !p.getFileName().toString().startsWith("."))
                .map(p -> store.relativize(p).toString().replace('\\', '/')).sorted().toList();
        switch (stopAt) {
            case DURING_FIRST_OBJECT -> {
                assertThat(stoppedAt).contains("/files/files.tar");
                assertThat(objects).as("no object completed").isEmpty();
                assertThat(temps).as("the killed put's temporary file").isNotEmpty();
                assertThat(temps).anySatisfy(t -> assertThat(Files.size(t))
                        .isEqualTo(KilledBackupChild.ARCHIVE_BYTES_BEFORE_STOP));
            }
            case DURING_MANIFEST -> {
                assertThat(stoppedAt).endsWith("/manifest.json");
                // the two files objects and the status object, written just before the manifest
                assertThat(objects).hasSize(3).allMatch(k -> k.contains("/files/") || k.endsWith("/status.json"));
                assertThat(temps).as("the killed manifest put's temporary file").hasSize(1);
                assertThat(temps.get(0).getParent()).isEqualTo(store.resolve(stoppedAt).getParent());
            }
            case BEFORE_MANIFEST -> {
                assertThat(objects).hasSize(3).allMatch(k -> k.contains("/files/") || k.endsWith("/status.json"));
                assertThat(temps).isEmpty();
            }
        }

        try (BackupEngine engine = BackupKit.builder().storage(LocalStorageProvider.at(store)).files(media).build()) {
            assertThat(engine.list()).isEmpty();

            CleanupResult cleanup = engine.cleanUpInterrupted();

            assertThat(cleanup.objectsDeleted()).isEqualTo(objects.size());
            assertThat(cleanup.backups()).hasSize(objects.isEmpty() ? 0 : 1);
            assertThat(engine.list()).isEmpty();
        }
        assertThat(everythingUnder(store.resolve("backups"))).as("objects, temporary files or folders left").isEmpty();
    }

    /** Starts the child backup, waits until it announces its stop, kills it and waits for its end. */
    private String runChildAndKillIt(StopAt stopAt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path childLog = tmp.resolve("child-stderr.log");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                KilledBackupChild.class.getName(), store.toString(), media.toString(), stopAt.name())
                .redirectError(childLog.toFile())
                .start();
        try {
            String stoppedAt = null;
            StringBuilder output = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; stoppedAt == null && (line = out.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.startsWith(KilledBackupChild.BLOCKED)) {
                        stoppedAt = line.substring(KilledBackupChild.BLOCKED.length());
                    }
                }
                if (stoppedAt == null) {
                    int exit = child.waitFor();
                    fail("the child backup ended (exit " + exit + ") without stopping at " + stopAt + "; it printed:\n"
                            + output + Files.readString(childLog));
                }
                child.destroyForcibly();
                child.waitFor();
            }
            assertThat(child.isAlive()).isFalse();
            return stoppedAt;
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private static List<Path> everythingUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(p -> !p.equals(folder)).toList();
        }
    }
}
