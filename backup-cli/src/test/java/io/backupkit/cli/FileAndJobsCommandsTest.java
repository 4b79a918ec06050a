package io.backupkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore --file} and {@code verify --file} on an export file, validated as import validates it and not
 * registered unless {@code --import}; {@code jobs} and {@code job ID} from the storage's history. In-process.
 */
class FileAndJobsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path media;
    String storage;
    String exported;
    String id;

    private record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main();
        main.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        main.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        main.environment = Map.of();
        main.workDir = dir;
        main.terminal = false;
        int exit = main.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run ok(String... args) {
        Run r = run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err()).isZero();
        return r;
    }

    @BeforeEach
    void backupAndExport() throws Exception {
        media = Files.createDirectories(dir.resolve("media"));
        Samples.createMedia(media);
        storage = "file:" + dir.resolve("backups");
        id = ok("backup", "--storage", storage, "--files", media.toString(), "--quiet").out().strip();
        exported = dir.resolve("app.tar").toString();
        ok("export", id, exported, "--storage", storage);
    }

    @Test
    void verifyFileChecksAnExportWithoutAnyStorageAndFindsDamage() throws Exception {
        Run good = ok("verify", "--file", exported);
        assertThat(good.out()).contains("ok: " + id);

        Path damaged = dir.resolve("damaged.tar");
        Files.copy(Path.of(exported), damaged);
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xFF);
        }
        Run bad = run("verify", "--file", damaged.toString());
        assertThat(bad.exit()).isEqualTo(ExitCode.INTEGRITY);
        assertThat(bad.err()).contains("backupkit: error:");

        assertThat(run("verify", id, "--file", exported, "--storage", storage).exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run("verify", "--import", id, "--storage", storage).exit()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void restoreFileRestoresWithoutRegisteringUnlessImport() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other-backups"));
        String otherStorage = "file:" + other;
        Path target = dir.resolve("restored");
        ok("restore", "--file", exported, "--storage", otherStorage, "--files-to", target.toString(), "--force");
        assertThat(Samples.files(target)).isEqualTo(Samples.files(media));
        assertThat(ok("list", "--storage", otherStorage, "--json").json()).noneSatisfy(b ->
                assertThat(b.get("id").asText()).isEqualTo(id));

        // over existing files: the safety backup of what is overwritten lands in the configured storage
        Files.writeString(target.resolve("local-only.txt"), "mine");
        ok("restore", "--file", exported, "--storage", otherStorage, "--files-to", target.toString(), "--force");
        assertThat(target.resolve("local-only.txt")).doesNotExist();
        JsonNode afterSecond = ok("list", "--storage", otherStorage, "--json").json();
        assertThat(afterSecond).singleElement().satisfies(b -> assertThat(b.get("type").asText()).isEqualTo("SAFETY"));

        Path imported = dir.resolve("imported");
        ok("restore", "--file", exported, "--import", "--storage", otherStorage, "--files-to", imported.toString(),
                "--force");
        assertThat(Samples.files(imported)).isEqualTo(Samples.files(media));
        assertThat(ok("list", "--storage", otherStorage, "--json").json()).anySatisfy(b ->
                assertThat(b.get("id").asText()).isEqualTo(id));

        Run noStorage = run("restore", "--file", exported, "--files-to", dir.resolve("x").toString(), "--force");
        assertThat(noStorage.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(noStorage.err()).contains("--no-safety-backup");
        assertThat(dir.resolve("x")).doesNotExist();
        ok("restore", "--file", exported, "--files-to", dir.resolve("x").toString(), "--no-safety-backup", "--force");
        assertThat(Samples.files(dir.resolve("x"))).isEqualTo(Samples.files(media));
    }

    @Test
    void jobsAndJobShowTheStoragesOperations() throws Exception {
        ok("verify", id, "--storage", storage);
        JsonNode jobs = ok("jobs", "--storage", storage, "--json").json();
        assertThat(jobs).hasSizeGreaterThanOrEqualTo(3);   // backup, export, verify
        assertThat(jobs.get(0).get("operation").asText()).isEqualTo("VERIFY");
        assertThat(jobs).allSatisfy(j -> assertThat(j.get("running").asBoolean()).isFalse());
        String verifyJob = jobs.get(0).get("id").asText();

        Run one = ok("job", verifyJob, "--storage", storage);
        assertThat(one.out()).contains("status:    COMPLETED").contains("verify of " + id);
        assertThat(ok("jobs", "--storage", storage, "--running").out()).contains("no running jobs");
        Run missing = run("job", "20260101T000000Z-backup-00000000", "--storage", storage);
        assertThat(missing.exit()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(missing.err()).contains("backupkit jobs");
    }
}
