package io.backupkit.storage.gdrive;

import com.google.api.client.util.DateTime;
import com.google.api.services.drive.model.File;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/** What the provider needs to know of one Drive file or folder. */
record DriveFile(String id, String name, boolean folder, boolean googleNative, long size, Instant modifiedTime, Instant createdTime) {
    static final String FOLDER_MIME_TYPE = "application/vnd.google-apps.folder";
    private static final String GOOGLE_NATIVE_PREFIX = "application/vnd.google-apps.";

    /**
     * Which of several same-name files in one folder a key resolves to: the newest {@code modifiedTime}
     * first, then the greatest id (plain string order). Total and stable, so every reader and every
     * instance of the provider picks the same file.
     */
    static final Comparator<DriveFile> KEY_RESOLUTION_ORDER =
            Comparator.comparing(DriveFile::modifiedTime).reversed().thenComparing(DriveFile::id, Comparator.reverseOrder());

    /** Which of several same-name folders a path resolves to: the oldest {@code createdTime}, then the smallest id. */
    static final Comparator<DriveFile> FOLDER_RESOLUTION_ORDER =
            Comparator.comparing(DriveFile::createdTime).thenComparing(DriveFile::id);

    DriveFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modifiedTime, "modifiedTime");
        Objects.requireNonNull(createdTime, "createdTime");
    }

    /** Whether this can hold a stored object: a file with binary content (not a folder, Doc, shortcut...). */
    boolean isBlob() {
        return !folder && !googleNative;
    }

    static DriveFile of(File file) {
        if (file.getId() == null || file.getName() == null) {
            throw new IllegalStateException("Drive returned a file without id or name: " + file);
        }
        Instant modified = instant(file.getModifiedTime());
        Instant created = file.getCreatedTime() == null ? modified : instant(file.getCreatedTime());
        String mimeType = file.getMimeType() == null ? "" : file.getMimeType();
        return new DriveFile(file.getId(), file.getName(), FOLDER_MIME_TYPE.equals(mimeType),
                !FOLDER_MIME_TYPE.equals(mimeType) && mimeType.startsWith(GOOGLE_NATIVE_PREFIX),
                file.getSize() == null ? 0 : file.getSize(), modified, created);
    }

    private static Instant instant(DateTime time) {
        return time == null ? Instant.EPOCH : Instant.ofEpochMilli(time.getValue());
    }
}
