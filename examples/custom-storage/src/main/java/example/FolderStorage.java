package example;

import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.StorageException;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;

/** A StorageProvider keeping each object as a file under a folder; written whole to a temporary file, then moved. */
public final class FolderStorage implements StorageProvider {
    // README:extending:start
    private final Path root;
    private final Path temp;

    public FolderStorage(Path root) {
        this.root = root.toAbsolutePath();
        this.temp = this.root.resolve(".tmp");       // never listed: keys cannot start with "."
        io(() -> Files.createDirectories(temp));
    }

    @Override
    public void put(String key, ContentSource source) {
        Path target = file(key);
        io(() -> {
            Path part = Files.createTempFile(temp, "put-", ".part");
            try (InputStream in = source.open()) {
                long n = Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                if (source.length().isPresent() && source.length().getAsLong() != n) {
                    throw new IOException("source gave " + n + " bytes, declared " + source.length().getAsLong());
                }
                Files.createDirectories(target.getParent());
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);   // readers see old or new, whole
            } finally {
                Files.deleteIfExists(part);
            }
            return null;
        });
    }

    @Override
    public InputStream get(String key) {
        return get(key, ByteRange.from(0));
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            throw new BlobNotFoundException(key);
        }
        return io(() -> {
            InputStream in = Files.newInputStream(f);
            in.skipNBytes(Math.min(range.offset(), Files.size(f)));
            return range.slice(in);   // ends after the range's length, if it has one
        });
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        Path f = file(key);
        return io(() -> Files.isRegularFile(f) ? Optional.of(info(f)) : Optional.empty());
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        StorageKeys.requirePrefix(prefix);
        return io(() -> Files.walk(root).filter(f -> !f.startsWith(temp) && Files.isRegularFile(f))
                .flatMap(this::infoIfStillThere).filter(b -> b.key().startsWith(prefix)));
    }

    @Override
    public void delete(String key) {
        Path f = file(key);
        io(() -> Files.isRegularFile(f) && Files.deleteIfExists(f));   // a folder of other keys is no object
    }

    // README:extending:end

    @Override
    public String description() {
        return "folder " + root;
    }

    private Path file(String key) {
        return root.resolve(StorageKeys.requireKey(key));
    }

    private Stream<BlobInfo> infoIfStillThere(Path f) {
        try {
            return Stream.of(info(f));
        } catch (NoSuchFileException deletedMeanwhile) {
            return Stream.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BlobInfo info(Path f) throws IOException {
        return new BlobInfo(root.relativize(f).toString().replace('\\', '/'), Files.size(f),
                Files.getLastModifiedTime(f).toInstant());
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    /** I/O failures as the contract's StorageException, naming what failed. */
    private static <T> T io(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("folder storage: " + e.getMessage(), false, e);
        }
    }
}
