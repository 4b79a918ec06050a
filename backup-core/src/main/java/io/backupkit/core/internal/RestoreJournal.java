package io.backupkit.core.internal;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes restore intent records ({@link RestoreIntent}): in the storage at {@code logs/intents/}, next to
 * the history, and for every file target beside it as {@code .<name>.backupkit-intent.json}, so a swap that was
 * under way can be finished even from a process that cannot reach that storage. A write that fails fails the
 * restore: a restore must not touch a target whose way back is not on record.
 */
final class RestoreJournal {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJournal.class);
    private static final String BESIDE_SUFFIX = ".backupkit-intent.json";

    private final StorageProvider storage;

    public RestoreJournal(StorageProvider storage) {
        this.storage = storage;
    }

    /** Writes (or rewrites) the record, first beside the file targets, then in the storage. */
    public void write(RestoreIntent intent) {
        byte[] json = serialize(intent);
        for (RestoreIntent.FilesIntent f : intent.files()) {
            writeBeside(Path.of(f.target()), json);
        }
        storage.put(Layout.intentKey(intent.operationId()), ContentSource.of(json));
    }

    /** Removes the record: the restore is finished and its outcome is in the history. */
    public void remove(RestoreIntent intent) {
        storage.delete(Layout.intentKey(intent.operationId()));
        for (RestoreIntent.FilesIntent f : intent.files()) {
            removeBeside(Path.of(f.target()), intent.operationId());
        }
    }

    /** Every intent record in the storage, oldest first. Unreadable records are logged and skipped. */
    public List<RestoreIntent> list() {
        List<String> keys;
        try (Stream<BlobInfo> s = storage.list(Layout.INTENTS)) {
            keys = s.map(BlobInfo::key).filter(k -> k.endsWith(".json")).sorted().toList();
        }
        List<RestoreIntent> out = new ArrayList<>();
        for (String key : keys) {
            try (InputStream in = storage.get(key)) {
                out.add(Json.mapper().readValue(in.readNBytes(4 * 1024 * 1024), RestoreIntent.class));
            } catch (BlobNotFoundException e) {
                // finished meanwhile
            } catch (IOException | RuntimeException e) {
                LOG.warn("Unreadable restore intent record {} in {}: {}; it is left in place, remove it by hand once "
                        + "the restore it describes is known to be over", key, storage.description(), e.getMessage());
            }
        }
        return out;
    }

    /** The intent record beside a file target, if a restore of that directory did not finish. */
    public static Optional<RestoreIntent> besideTarget(Path target) {
        Path file = besideFile(target);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(file), RestoreIntent.class));
        } catch (IOException e) {
            throw new StorageException("the restore intent record " + file + " cannot be read (" + e.getMessage()
                    + "): a restore of " + target + " did not finish; look at the hidden .backupkit- folders beside it, "
                    + "then remove the record by hand", false, e);
        }
    }

    static Path besideFile(Path target) {
        return target.resolveSibling("." + target.getFileName() + BESIDE_SUFFIX);
    }

    private static void writeBeside(Path target, byte[] json) {
        Path file = besideFile(target);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.write(tmp, json);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // no POSIX permissions here
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the restore intent record " + file + " beside the target: "
                    + e.getMessage() + "; nothing was changed", e);
        }
    }

    /** Removes the record beside a target, but only if it is this restore's (a newer one must stay). */
    static void removeBeside(Path target, String operationId) {
        Path file = besideFile(target);
        try {
            Optional<RestoreIntent> there = besideTarget(target);
            if (there.isPresent() && there.get().operationId().equals(operationId)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove the restore intent record {}: {}; delete it by hand", file, e.getMessage());
        }
    }

    private static byte[] serialize(RestoreIntent intent) {
        try {
            return Json.mapper().writeValueAsBytes(intent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the restore intent " + intent.operationId(), e);
        }
    }
}
