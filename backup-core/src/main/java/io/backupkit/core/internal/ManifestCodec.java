package io.backupkit.core.internal;

import io.backupkit.api.IntegrityException;
import io.backupkit.api.Manifest;
import io.backupkit.api.UnsupportedBackupException;
import io.backupkit.api.spi.StorageKeys;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** Reads and writes manifest.json, and checks that a manifest read from anywhere is well-formed and safe. */
final class ManifestCodec {
    /** A manifest larger than this is refused: a real one is a few KB per table. */
    public static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

    private ManifestCodec() {
    }

    public static byte[] write(Manifest manifest) {
        try {
            return Json.mapper().writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise manifest of " + manifest.id(), e);
        }
    }

    /**
     * Parses and validates a manifest.
     *
     * @param where names the source in error messages (a storage key or an archive entry)
     */
    public static Manifest read(byte[] json, String where) {
        if (json.length > MAX_MANIFEST_BYTES) {
            throw new IntegrityException(where + " is " + json.length + " bytes, more than the "
                    + MAX_MANIFEST_BYTES + " a manifest may have");
        }
        int format;
        try {
            var tree = Json.mapper().readTree(json);
            if (tree == null || !tree.isObject() || !tree.path("format").canConvertToInt()) {
                throw new IntegrityException(where + " is not a BackupKit manifest (no \"format\" field)");
            }
            format = tree.get("format").asInt();
        } catch (IOException e) {
            throw new IntegrityException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (format > Manifest.CURRENT_FORMAT) {
            throw new UnsupportedBackupException(where + " has format " + format + "; this BackupKit reads format "
                    + Manifest.CURRENT_FORMAT + " and older: upgrade BackupKit to restore it");
        }
        Manifest manifest;
        try {
            manifest = Json.mapper().readValue(json, Manifest.class);
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IntegrityException(where + " is not a valid manifest: " + root.getMessage(), e);
        }
        validate(manifest, where);
        return manifest;
    }

    private static void validate(Manifest m, String where) {
        Set<String> seen = new HashSet<>();
        for (Manifest.StoredObject o : m.objects()) {
            if (!StorageKeys.isValidKey(o.path()) || o.path().equals(Layout.MANIFEST)) {
                throw new IntegrityException(where + " lists an object with an unsafe path: " + o.path());
            }
            if (!seen.add(o.path())) {
                throw new IntegrityException(where + " lists object " + o.path() + " twice");
            }
        }
        m.database().ifPresent(db -> db.tables().forEach(t -> t.objects().forEach(p -> {
            if (!seen.contains(p)) {
                throw new IntegrityException(where + ": table " + t.qualifiedName() + " refers to object " + p
                        + " that the manifest does not list");
            }
        })));
        m.files().ifPresent(f -> {
            for (String p : new String[] {f.archive(), f.index()}) {
                if (!seen.contains(p)) {
                    throw new IntegrityException(where + ": the files part refers to object " + p
                            + " that the manifest does not list");
                }
            }
        });
    }
}
