package io.backupkit.storage.gdrive;

import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.FileList;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.StorageKeys;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The lazy walk behind {@link DriveStorageProvider#list}: one folder at a time, one page at a time, only as
 * far as the caller consumes. Children come in name order, so same-name files (and folders) are adjacent;
 * each run of equal names (compared ignoring case, in case Drive sorts that way) is resolved like a key
 * lookup, so every key appears once. Memory: one page plus the folders still to visit.
 */
final class DriveListing implements Iterator<BlobInfo> {
    private record Folder(String id, String keyPrefix, String namePrefix) {
    }

    private final DriveStorageProvider provider;
    private final String action;
    private final Deque<Folder> pendingFolders = new ArrayDeque<>();
    private final Deque<BlobInfo> ready = new ArrayDeque<>();
    private final List<DriveFile> run = new ArrayList<>();
    private Folder folder;
    private Iterator<File> page;
    private String nextPageToken;
    private boolean folderExhausted = true;
    private List<String> startPath;

    DriveListing(DriveStorageProvider provider, List<String> startPath, String startFolderId, String keyPrefix, String namePrefix,
                 String action) {
        this.provider = provider;
        this.startPath = startPath;
        this.action = action;
        pendingFolders.add(new Folder(startFolderId, keyPrefix, namePrefix));
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            if (!advance()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public BlobInfo next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** One step of the walk; false when everything has been visited. */
    private boolean advance() {
        try {
            if (page != null && page.hasNext()) {
                DriveFile child = DriveFile.of(page.next());
                if (!run.isEmpty() && !sameRun(run.get(0), child)) {
                    flushRun();
                }
                run.add(child);
                return true;
            }
            if (!folderExhausted) {
                if (nextPageToken != null) {
                    fetch(nextPageToken);
                } else {
                    flushRun();
                    folderExhausted = true;
                }
                return true;
            }
            folder = pendingFolders.poll();
            if (folder == null) {
                return false;
            }
            folderExhausted = false;
            fetch(null);
            return true;
        } catch (IOException | RuntimeException e) {
            throw DriveErrors.translate(action, e);
        }
    }

    private void fetch(String pageToken) throws IOException {
        FileList list = provider.listChildren(folder.id(), pageToken);
        if (startPath != null) {
            List<String> path = startPath;
            startPath = null;
            if ((list.getFiles() == null || list.getFiles().isEmpty()) && list.getNextPageToken() == null) {
                // An empty start folder may be a cached id of a folder another client removed.
                Optional<String> current = provider.recheckFolder(path, folder.id());
                if (current.isEmpty()) {
                    page = List.<File>of().iterator();
                    nextPageToken = null;
                    return;
                }
                if (!current.get().equals(folder.id())) {
                    folder = new Folder(current.get(), folder.keyPrefix(), folder.namePrefix());
                    list = provider.listChildren(folder.id(), null);
                }
            }
        }
        page = list.getFiles() == null ? List.<File>of().iterator() : list.getFiles().iterator();
        nextPageToken = list.getNextPageToken();
    }

    private static boolean sameRun(DriveFile a, DriveFile b) {
        return a.name().toLowerCase(Locale.ROOT).equals(b.name().toLowerCase(Locale.ROOT));
    }

    private void flushRun() {
        Map<String, DriveFile> files = new LinkedHashMap<>();
        Map<String, DriveFile> folders = new LinkedHashMap<>();
        for (DriveFile f : run) {
            if (!f.folder() && !f.isBlob()) {
                continue; // a Google Doc, shortcut or other native type: no bytes, not an object
            }
            Map<String, DriveFile> byName = f.folder() ? folders : files;
            byName.merge(f.name(), f, (a, b) -> minimum(a, b, f.folder()));
        }
        run.clear();
        for (DriveFile f : files.values()) {
            // Files put there by other means whose names are not valid keys are not part of the storage.
            if (f.name().startsWith(folder.namePrefix()) && StorageKeys.isValidKey(folder.keyPrefix() + f.name())) {
                ready.add(new BlobInfo(folder.keyPrefix() + f.name(), f.size(), f.modifiedTime()));
            }
        }
        for (DriveFile d : folders.values()) {
            if (d.name().startsWith(folder.namePrefix()) && StorageKeys.isValidKey(folder.keyPrefix() + d.name())) {
                pendingFolders.add(new Folder(d.id(), folder.keyPrefix() + d.name() + "/", ""));
            }
        }
    }

    private static DriveFile minimum(DriveFile a, DriveFile b, boolean folders) {
        int c = folders ? DriveFile.FOLDER_RESOLUTION_ORDER.compare(a, b) : DriveFile.KEY_RESOLUTION_ORDER.compare(a, b);
        return c <= 0 ? a : b;
    }
}
