package io.backupkit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object eight times the heap goes in and out of local storage, so put and get really stream. The bound is real:
 * the work runs in a child JVM started with {@code -Xmx32m} ({@link StreamsBigObject}), whatever this JVM's heap.
 */
class LocalStorageProviderMemoryBoundTest {
    private static final long SIZE = 256L * 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void objectEightTimesTheHeapIsStoredAndReadBackStreaming() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = temp.resolve("child.log");
        Process child = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                StreamsBigObject.class.getName(), temp.resolve("store").toString(), Long.toString(SIZE))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int exit = child.waitFor();
        assertThat(exit).as("the -Xmx32m child storing and reading %d bytes printed:%n%s", SIZE,
                Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }
}
