package io.backupkit.core.internal;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupId;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConflictException;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.InvalidArchiveException;
import io.backupkit.api.Manifest;
import io.backupkit.api.StorageException;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.VerifyReport;
import io.backupkit.api.internal.Printable;
import io.backupkit.api.internal.LimitedInputStream;
import io.backupkit.api.internal.Streams;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Export of a backup as one portable tar ({@code <id>/manifest.json} first, then every object exactly as stored)
 * and import of such a file, validated completely before the backup is registered.
 */
final class ArchiveTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveTransfer.class);
    private static final int BUFFER = 128 * 1024;

    private final StorageProvider storage;

    public ArchiveTransfer(StorageProvider storage) {
        this.storage = storage;
    }

    /** Streams the backup into {@code out}, checking every object's stored size and SHA-256 as it goes. */
    public void export(Manifest manifest, byte[] manifestBytes, OutputStream out, LongConsumer progress) throws IOException {
        BackupId id = manifest.id();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosingOutputStream(out), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        FileTime time = FileTime.from(manifest.finishedAt());
        TarArchiveEntry me = new TarArchiveEntry(id.value() + "/" + Layout.MANIFEST);
        me.setSize(manifestBytes.length);
        me.setMode(0100644);
        me.setLastModifiedTime(time);
        tar.putArchiveEntry(me);
        tar.write(manifestBytes);
        tar.closeArchiveEntry();
        byte[] buf = new byte[BUFFER];
        for (Manifest.StoredObject o : manifest.objects()) {
            TarArchiveEntry e = new TarArchiveEntry(id.value() + "/" + o.path());
            e.setSize(o.storedSize());
            e.setMode(0100644);
            e.setLastModifiedTime(time);
            tar.putArchiveEntry(e);
            try (CountingDigestInputStream in = new CountingDigestInputStream(storage.get(Layout.objectKey(id, o.path())))) {
                long left = o.storedSize();
                int n;
                while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
                    tar.write(buf, 0, n);
                    left -= n;
                    progress.accept(n);
                }
                if (left > 0 || in.read() >= 0) {
                    throw new IntegrityException("object " + o.path() + " of backup " + id + " is not " + o.storedSize()
                            + " bytes in storage as the manifest records; run verify(" + id + ")");
                }
                if (!in.sha256().equals(o.storedSha256())) {
                    throw new IntegrityException("object " + o.path() + " of backup " + id
                            + " does not match its SHA-256; the export is incomplete; run verify(" + id + ")");
                }
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.close();
    }

    /**
     * Imports an exported backup: the manifest must come first; each object is checked against the manifest
     * (size and stored SHA-256 while it streams to storage, then content SHA-256 read back) before the manifest
     * is written. On any failure every object written is deleted again.
     */
    public Manifest importArchive(InputStream in, long maxBytes, LongConsumer progress) {
        LimitedInputStream limited = new LimitedInputStream(in, maxBytes);
        List<String> written = new ArrayList<>();
        try {
            return doImport(limited, maxBytes, written, progress);
        } catch (RuntimeException | IOException e) {
            for (String key : written) {
                try {
                    storage.delete(key);
                } catch (RuntimeException de) {
                    LOG.warn("Could not delete {} after a failed import: {} (cleanUpInterrupted() removes it later)", key, de.getMessage());
                    e.addSuppressed(de);
                }
            }
            if (limited.exceeded()) {
                throw new InvalidArchiveException("the import file is larger than the configured limit of " + maxBytes
                        + " bytes; nothing was imported (raise maxImportBytes(...) on the engine builder if it is genuine)", e);
            }
            if (e instanceof InvalidArchiveException || e instanceof ConflictException
                    || e instanceof UnsupportedBackupException) {
                throw (BackupException) e;
            }
            if (e instanceof IntegrityException ie) {
                throw new InvalidArchiveException("the import file is not a valid backup: " + ie.getMessage()
                        + "; nothing was imported", ie);
            }
            if (e instanceof StorageException se && se.getCause() == null && !(e instanceof BlobNotFoundException)) {
                throw se;
            }
            if (e instanceof IOException io) {
                throw new InvalidArchiveException("the import file is truncated or is not a tar archive made by export ("
                        + io.getMessage() + "); nothing was imported", io);
            }
            throw (RuntimeException) e;
        }
    }

    private Manifest doImport(LimitedInputStream in, long maxBytes, List<String> written, LongConsumer progress)
            throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        TarArchiveEntry first;
        try {
            first = tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidArchiveException("the import file is not a tar archive made by export: " + e.getMessage()
                    + "; nothing was imported", e);
        }
        if (first == null) {
            throw new InvalidArchiveException("the import file is empty or not a tar archive; nothing was imported");
        }
        String firstName = first.getName();
        int slash = firstName.indexOf('/');
        if (slash < 0 || !firstName.substring(slash + 1).equals(Layout.MANIFEST) || !first.isFile()) {
            throw new InvalidArchiveException("the import file does not start with <id>/manifest.json (found '"
                    + Printable.of(firstName) + "'): it was not made by export; nothing was imported");
        }
        BackupId id;
        try {
            id = BackupId.of(firstName.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException("the import file names an invalid backup id: " + e.getMessage(), e);
        }
        if (first.getSize() > ManifestCodec.MAX_MANIFEST_BYTES) {
            throw new InvalidArchiveException("the manifest in the import file is " + first.getSize()
                    + " bytes, more than a manifest may have; nothing was imported");
        }
        byte[] manifestBytes = tar.readAllBytes();
        Manifest manifest;
        try {
            manifest = ManifestCodec.read(manifestBytes, "the manifest in the import file");
        } catch (IntegrityException e) {
            throw new InvalidArchiveException(e.getMessage() + "; nothing was imported", e);
        }
        if (!manifest.id().equals(id)) {
            throw new InvalidArchiveException("the manifest in the import file is for backup " + manifest.id()
                    + " but is stored under " + id + "; nothing was imported");
        }
        if (storage.stat(Layout.manifestKey(id)).isPresent()) {
            throw new ConflictException("backup " + id + " already exists in this storage; delete it first if you "
                    + "want to replace it; nothing was imported");
        }
        try (Stream<BlobInfo> leftovers = storage.list(Layout.folder(id))) {
            Optional<BlobInfo> any = leftovers.findFirst();
            if (any.isPresent()) {
                throw new ConflictException("the storage holds leftovers of an interrupted backup " + id + " ("
                        + any.get().key() + "); run cleanUpInterrupted() first; nothing was imported");
            }
        }
        Map<String, Manifest.StoredObject> expected = new LinkedHashMap<>();
        manifest.objects().forEach(o -> expected.put(o.path(), o));
        long declared = manifest.storedBytes() + manifestBytes.length;
        if (declared > maxBytes) {
            throw new InvalidArchiveException("the backup in the import file holds " + declared + " bytes, more than the "
                    + "configured limit of " + maxBytes + " bytes; nothing was imported");
        }
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String name = e.getName();
            List<String> segs;
            try {
                segs = ArchivePaths.segments(name);
            } catch (IllegalArgumentException ex) {
                throw new InvalidArchiveException("the import file contains an unsafe entry: " + ex.getMessage()
                        + "; nothing was imported");
            }
            if (!segs.get(0).equals(id.value()) || segs.size() < 2) {
                throw new InvalidArchiveException("the import file contains '" + Printable.of(name)
                        + "', which is outside backup " + id + "; nothing was imported");
            }
            String path = String.join("/", segs.subList(1, segs.size()));
            Manifest.StoredObject o = expected.remove(path);
            if (o == null) {
                throw new InvalidArchiveException("the import file contains '" + Printable.of(name)
                        + "', which its manifest does not list (or lists once); nothing was imported");
            }
            if (!e.isFile()) {
                throw new InvalidArchiveException("entry " + name + " of the import file is not a regular file; nothing was imported");
            }
            if (e.getSize() != o.storedSize()) {
                throw new InvalidArchiveException("entry " + name + " is " + e.getSize() + " bytes but the manifest records "
                        + o.storedSize() + "; nothing was imported");
            }
            String key = Layout.objectKey(id, path);
            CheckedEntryStream source = new CheckedEntryStream(tar, o, progress);
            written.add(key);
            try {
                storage.put(key, ContentSource.once(source, OptionalLong.of(o.storedSize())));
            } catch (RuntimeException ex) {
                if (source.readFailure != null) {
                    throw new InvalidArchiveException("the import file is truncated or damaged in entry " + name + " ("
                            + source.readFailure.getMessage() + "); nothing was imported", ex);
                }
                if (source.problem != null) {
                    throw new InvalidArchiveException("entry " + name + " of the import file " + source.problem
                            + "; nothing was imported", ex);
                }
                throw ex;
            }
            if (source.problem != null || !source.ended) {
                throw new InvalidArchiveException("entry " + name + " of the import file "
                        + (source.problem != null ? source.problem : "was not read to its end by the storage")
                        + "; nothing was imported");
            }
        }
        if (!expected.isEmpty()) {
            throw new InvalidArchiveException("the import file is incomplete: " + expected.size() + " object(s) its manifest "
                    + "lists are missing, e.g. " + expected.keySet().iterator().next() + "; nothing was imported");
        }
        for (Manifest.StoredObject o : manifest.objects()) {
            VerifyReport.ObjectCheck check = VerifiedObjectStream.check(storage, id, o);
            if (check.status() != VerifyReport.CheckStatus.OK) {
                throw new InvalidArchiveException("the import file does not match its manifest: " + check.detail()
                        + "; nothing was imported");
            }
        }
        if (manifest.files().isPresent()) {
            checkFilesPart(manifest, manifest.files().get());
        }
        String manifestKey = Layout.manifestKey(id);
        written.add(manifestKey);
        storage.put(manifestKey, ContentSource.of(manifestBytes));
        return manifest;
    }

    /** A files part a restore would refuse (unsafe paths, archive and index that disagree) is refused here already. */
    private void checkFilesPart(Manifest manifest, Manifest.FilesPart files) throws IOException {
        Manifest.StoredObject archive = manifest.object(files.archive()).orElseThrow(() -> new InvalidArchiveException(
                "the manifest names the files archive " + files.archive() + " but does not list it; nothing was imported"));
        Manifest.StoredObject index = manifest.object(files.index()).orElseThrow(() -> new InvalidArchiveException(
                "the manifest names the file index " + files.index() + " but does not list it; nothing was imported"));
        try (InputStream a = VerifiedObjectStream.open(storage, manifest.id(), archive);
             InputStream i = VerifiedObjectStream.open(storage, manifest.id(), index)) {
            FilesRestorer.checkArchive(a, i);
        } catch (IntegrityException e) {
            throw new InvalidArchiveException("the import file holds a files part a restore would refuse: "
                    + e.getMessage() + "; nothing was imported", e);
        }
    }

    /** One tar entry's bytes for the storage, checked against the manifest; never closes the tar. */
    private static final class CheckedEntryStream extends FilterInputStream {
        private final Manifest.StoredObject object;
        private final MessageDigest sha = Sha256.newDigest();
        private final LongConsumer progress;
        private long count;
        volatile String problem;
        volatile IOException readFailure;
        volatile boolean ended;

        CheckedEntryStream(InputStream tar, Manifest.StoredObject object, LongConsumer progress) {
            super(tar);
            this.object = object;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                readFailure = e;
                throw e;
            }
            if (n > 0) {
                sha.update(b, off, n);
                count += n;
                progress.accept(n);
            } else if (n < 0 && !ended) {
                ended = true;
                if (count != object.storedSize()) {
                    problem = "is " + count + " bytes, the manifest records " + object.storedSize();
                } else if (!Sha256.hex(sha).equals(object.storedSha256())) {
                    problem = "does not match the SHA-256 its manifest records (the file was altered or the manifest lies)";
                }
                if (problem != null) {
                    throw new IOException(problem);
                }
            }
            return n;
        }

        @Override
        public void close() {
            // the tar stream goes on to the next entry
        }
    }
}
