package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a failed put could leave in a local storage folder: temporary files and empty folders. */
final class HiddenFiles {
    private HiddenFiles() {
    }

    static void assertNone(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(p -> !p.equals(root)).filter(p -> p.getFileName().toString().startsWith(".")
                    || isEmptyFolder(p)).map(Path::toString).collect(Collectors.toList()))
                    .as("temporary files and empty folders left in " + root)
                    .isEmpty();
        }
    }

    private static boolean isEmptyFolder(Path p) {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> children = Files.list(p)) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
