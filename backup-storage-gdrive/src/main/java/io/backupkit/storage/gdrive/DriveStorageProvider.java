package io.backupkit.storage.gdrive;

import com.google.api.client.googleapis.media.MediaHttpUploader;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.InputStreamContent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.DriveScopes;
import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.FileList;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.backupkit.api.BlobNotFoundException;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.RetryPolicy;
import io.backupkit.api.StorageException;
import io.backupkit.api.internal.Require;
import io.backupkit.api.spi.BlobInfo;
import io.backupkit.api.spi.ByteRange;
import io.backupkit.api.spi.ContentSource;
import io.backupkit.api.spi.StorageKeys;
import io.backupkit.api.spi.StorageProvider;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageProvider} on Google Drive (API v3), through Google's own Java client.
 *
 * <h2>Layout</h2>
 * Everything lives under one root folder, given by id ({@code gdrive://<folder-id>/<sub/path>}); it may be
 * on a shared drive ({@link Builder#driveId}). A key {@code a/b/c.zst} is the file {@code c.zst} in the
 * folder {@code a/b} below the root (and below the optional {@link Builder#basePath base path}). Folders
 * are created when a put first needs them; their ids are cached. Folder creation is serialized per path
 * inside one provider, so concurrent puts never create the same folder twice; when two processes race, the
 * creator of the younger duplicate sees the older one, adopts it and removes its own (empty) folder.
 * Reads never create folders.
 *
 * <h2>Several files with one name</h2>
 * Drive allows duplicate names in a folder. A key resolves to the same-name file with the newest
 * {@code modifiedTime}, then the greatest id (string order); {@code list} shows each key once, with that
 * file. Same-name folders resolve to the oldest {@code createdTime}, then the smallest id.
 *
 * <h2>put: atomic replacement</h2>
 * <ol>
 *   <li>List the files already named like the key (the ones this put replaces).</li>
 *   <li>Upload a new file with that name. Up to {@link Builder#simpleUploadThreshold} bytes this is one
 *       multipart request; anything larger, or of unknown length, goes through a resumable session in chunks
 *       of {@link Builder#chunkSize}. Drive creates the file only when the last byte has arrived, so until then
 *       the key still resolves to the old file, and a failed put leaves nothing behind.</li>
 *   <li>Check that Drive stored exactly the number of bytes read from the source.</li>
 *   <li>List the same-name files again and remove every one seen in step 1, and every one that ranks below
 *       the new file in the resolution order (a leftover of a concurrent or retried put). If a file that appeared
 *       during the upload (a concurrent put's) ranks above the new one, the key already resolves to it: remove
 *       the new file instead. So the key never shows a partial object, and after a put, or a set of concurrent
 *       puts, exactly one file is left: the one that ranks first.</li>
 * </ol>
 * Between steps 2 and 4 both files exist; readers resolve to one of them, whole. (Uploading a new revision of the
 * existing file would avoid the second file, but Drive keeps old revisions for 30 days and they count against the
 * storage quota; a replaced file is removed at once.)
 *
 * <h2>Uploads</h2>
 * Request bodies are never gzipped (backup data is compressed already). A chunk whose request fails (a
 * dropped connection, 5xx, 429) is not restarted: the provider asks the session how many bytes arrived
 * ({@code Content-Range: bytes *}{@code /total}, or {@code *}{@code /*} while the length is unknown) and continues
 * from the offset the server reports. Memory per upload is one chunk.
 *
 * <h2>Errors and retries</h2>
 * 429, 408, 5xx, {@code rateLimitExceeded} and {@code userRateLimitExceeded} are retried with exponential
 * backoff and jitter ({@link Builder#retries}). {@code storageQuotaExceeded} fails at once with an explanation
 * of the service-account quota problem and its fixes; an {@code invalid_grant} from the token endpoint or a
 * 401 fails at once saying the token must be renewed. Credentials never appear in messages or logs.
 */
public final class DriveStorageProvider implements StorageProvider {
    private static final Logger LOG = LoggerFactory.getLogger(DriveStorageProvider.class);
    static final int CHUNK_GRANULARITY = MediaHttpUploader.MINIMUM_CHUNK_SIZE; // 256 KiB
    static final int DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
    static final int DEFAULT_SIMPLE_UPLOAD_THRESHOLD = 1024 * 1024;
    private static final String FILE_FIELDS = "id,name,mimeType,size,modifiedTime,createdTime";
    private static final String LIST_FIELDS = "nextPageToken,files(" + FILE_FIELDS + ")";
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final int MAX_REPLACED_WHILE_READING = 3;

    private final Drive drive;
    private final HttpTransport ownedTransport;
    private final String rootFolderId;
    private final String configuredDriveId;
    /** The shared drive of the root folder: configured, or looked up once; "" for My Drive. */
    private volatile String driveId;
    private final List<String> basePath;
    private final int chunkSize;
    private final int simpleUploadThreshold;
    private final int listPageSize;
    private final boolean deleteToTrash;
    private final int downloadResumes;
    private final RetryPolicy retries;
    private final String description;
    /** Folder path below the root ("a/b", "" for the root itself) to folder id. */
    private final ConcurrentHashMap<String, String> folderIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> folderCreationLocks = new ConcurrentHashMap<>();

    private DriveStorageProvider(Builder b, Drive drive, HttpTransport ownedTransport) {
        this.drive = drive;
        this.ownedTransport = ownedTransport;
        this.rootFolderId = b.rootFolderId;
        this.configuredDriveId = b.driveId;
        this.driveId = b.driveId;
        this.basePath = b.basePath == null ? List.of() : List.of(b.basePath.split("/"));
        this.chunkSize = b.chunkSize();
        this.simpleUploadThreshold = b.simpleUploadThreshold == Builder.UNSET
                ? Math.min(DEFAULT_SIMPLE_UPLOAD_THRESHOLD, chunkSize) : b.simpleUploadThreshold;
        this.listPageSize = b.listPageSize == Builder.UNSET ? 1000 : b.listPageSize;
        this.deleteToTrash = b.deleteToTrash != null && b.deleteToTrash;
        this.retries = b.retryPolicy();
        this.downloadResumes = retries.maxAttempts() - 1;
        this.description = "gdrive://" + rootFolderId + (basePath.isEmpty() ? "" : "/" + b.basePath)
                + (configuredDriveId == null ? "" : "?driveId=" + configuredDriveId);
        folderIds.put("", rootFolderId);
    }

    /** For tests in this package: the chunk size in effect. */
    int chunkSize() {
        return chunkSize;
    }

    /** For tests in this package: the retries in effect. */
    RetryPolicy retries() {
        return retries;
    }

    /** A builder; {@link Builder#rootFolderId} and one way of authenticating are required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------------------- put

    @Override
    public void put(String key, ContentSource source) {
        StorageKeys.requireKey(key);
        Objects.requireNonNull(source, "source");
        List<String> path = fullPath(key);
        String name = path.get(path.size() - 1);
        List<String> folderPath = path.subList(0, path.size() - 1);
        String action = "store '" + key + "' in " + description;
        try (InputStream opened = source.open()) {
            if (opened == null) {
                throw new StorageException("could not " + action + ": the content source opened no stream", false);
            }
            OptionalLong declared = source.length();
            if (declared.isPresent() && declared.getAsLong() < 0) {
                throw new StorageException("could not " + action + ": its content source declares a negative length ("
                        + declared.getAsLong() + ")", false);
            }
            UploadSourceStream counted = new UploadSourceStream(opened, declared.orElse(-1));
            byte[] whole = null;
            InputStream streamed = null;
            long knownLength = declared.orElse(-1);
            if (declared.isPresent() && declared.getAsLong() <= simpleUploadThreshold) {
                whole = counted.readNBytes((int) declared.getAsLong());
                counted.read(); // fails if the source holds more than it declared
            } else if (declared.isEmpty()) {
                byte[] head = counted.readNBytes(simpleUploadThreshold + 1);
                if (head.length <= simpleUploadThreshold) {
                    whole = head;
                } else {
                    streamed = new SequenceInputStream(new ByteArrayInputStream(head), counted);
                }
            } else {
                // Markable with a buffer of one chunk (or the whole object, if smaller): the uploader re-reads a
                // chunk from it after a failure, and the buffer never grows.
                streamed = new BufferedInputStream(counted, (int) Math.max(1, Math.min(chunkSize, knownLength)));
            }
            long bytesBeforeUpload = counted.count();

            String folderId = folderId(folderPath, true).orElseThrow();
            List<DriveFile> replaced = filesNamed(folderId, name);
            File created;
            try {
                created = upload(folderId, name, whole, streamed, knownLength);
            } catch (IOException e) {
                if (!DriveErrors.isStatus(e, 404) || counted.count() != bytesBeforeUpload) {
                    throw e;
                }
                // The cached parent folder was removed behind our back and nothing was sent yet: look it up again.
                forgetFolders(folderPath);
                folderId = folderId(folderPath, true).orElseThrow();
                replaced = filesNamed(folderId, name);
                created = upload(folderId, name, whole, streamed, knownLength);
            }
            DriveFile stored = DriveFile.of(created);
            long sent = counted.count();
            if (stored.size() != sent) {
                removeQuietly(stored);
                throw new StorageException("could not " + action + ": Google Drive reports " + stored.size()
                        + " bytes stored but " + sent + " were sent; the incomplete file was removed", true);
            }
            removeReplaced(folderId, name, stored, replaced);
        } catch (IOException | RuntimeException e) {
            throw DriveErrors.translate(action, e);
        }
    }

    private File upload(String folderId, String name, byte[] whole, InputStream streamed, long knownLength) throws IOException {
        File metadata = new File().setName(name).setParents(List.of(folderId)).setMimeType(CONTENT_TYPE);
        Drive.Files.Create create;
        if (whole != null) {
            create = drive.files().create(metadata, new ByteArrayContent(CONTENT_TYPE, whole));
            create.getMediaHttpUploader().setDirectUploadEnabled(true);
        } else {
            InputStreamContent media = new InputStreamContent(CONTENT_TYPE, streamed);
            if (knownLength >= 0) {
                media.setLength(knownLength);
            }
            create = drive.files().create(metadata, media);
            create.getMediaHttpUploader().setDirectUploadEnabled(false).setChunkSize(chunkSize);
        }
        create.setDisableGZipContent(true);
        create.getMediaHttpUploader().setDisableGZipContent(true);
        return create.setSupportsAllDrives(true).setFields(FILE_FIELDS).execute();
    }

    /** Step 4 of the put algorithm (see the class comment). */
    private void removeReplaced(String folderId, String name, DriveFile stored, List<DriveFile> replaced) throws IOException {
        Set<String> replacedIds = replaced.stream().map(DriveFile::id).collect(Collectors.toSet());
        boolean supersededByConcurrentPut = false;
        for (DriveFile other : filesNamed(folderId, name)) {
            if (other.id().equals(stored.id())) {
                continue;
            }
            if (replacedIds.contains(other.id()) || DriveFile.KEY_RESOLUTION_ORDER.compare(stored, other) < 0) {
                remove(other);
            } else {
                supersededByConcurrentPut = true;
            }
        }
        if (supersededByConcurrentPut) {
            // A concurrent put's file ranks first, so the key already resolves to it; ours only has to go.
            LOG.debug("a concurrent put of {} in {} won; removing this put's file {}", name, description, stored.id());
            remove(stored);
        }
    }

    /**
     * {@code ALL}: every Drive request is retried where it is made ({@link Builder#retries}), so the engine's retry
     * wrapper adds no attempts on top.
     */
    @Override
    public InternalRetries internalRetries() {
        return InternalRetries.ALL;
    }

    // ---------------------------------------------------------------------------------------------- get

    @Override
    public InputStream get(String key) {
        StorageKeys.requireKey(key);
        return open(key, null);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        StorageKeys.requireKey(key);
        Objects.requireNonNull(range, "range");
        return open(key, range);
    }

    private InputStream open(String key, ByteRange range) {
        String action = "read '" + key + "' from " + description;
        try {
            for (int attempt = 0; ; attempt++) {
                DriveFile file = resolve(key).orElseThrow(() -> new BlobNotFoundException(key));
                long first = range == null ? 0 : range.offset();
                long last = range == null ? file.size() - 1 : range.lastInclusive(file.size());
                if (first > last) {
                    return InputStream.nullInputStream();
                }
                try {
                    return new DriveDownloadStream(this, file, first, last, downloadResumes);
                } catch (IOException e) {
                    // Replaced by a concurrent put between resolving and opening: resolve again.
                    if (!DriveErrors.isStatus(e, 404) || attempt >= MAX_REPLACED_WHILE_READING) {
                        throw e;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw DriveErrors.translate(action, e);
        }
    }

    /** Opens bytes {@code first..last} (inclusive) of a file; used by {@link DriveDownloadStream}, also to resume. */
    InputStream openRange(DriveFile file, long first, long last) throws IOException {
        Drive.Files.Get get = drive.files().get(file.id()).setSupportsAllDrives(true);
        get.getRequestHeaders().setAcceptEncoding("identity"); // ranges must count stored bytes, not gzip ones
        boolean whole = first == 0 && last == file.size() - 1;
        if (!whole) {
            get.getRequestHeaders().setRange("bytes=" + first + "-" + last);
        }
        HttpResponse response = get.executeMedia();
        InputStream content = response.getContent();
        if (content == null) {
            content = InputStream.nullInputStream();
        }
        if (!whole && response.getStatusCode() != 206) {
            // The server ignored the range and sends the whole file: skip to the start.
            content.skipNBytes(first);
        }
        return content;
    }

    // ---------------------------------------------------------------------------------------------- stat, list, delete

    @Override
    public Optional<BlobInfo> stat(String key) {
        StorageKeys.requireKey(key);
        try {
            return resolve(key).map(f -> new BlobInfo(key, f.size(), f.modifiedTime()));
        } catch (IOException | RuntimeException e) {
            throw DriveErrors.translate("look up '" + key + "' in " + description, e);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        StorageKeys.requirePrefix(prefix);
        String action = "list '" + prefix + "' in " + description;
        List<String> segments = prefix.isEmpty() ? List.of() : List.of(prefix.split("/"));
        List<String> folderSegments;
        String namePrefix;
        if (prefix.isEmpty() || prefix.endsWith("/")) {
            folderSegments = segments;
            namePrefix = "";
        } else {
            folderSegments = segments.subList(0, segments.size() - 1);
            namePrefix = segments.get(segments.size() - 1);
        }
        Optional<String> start;
        try {
            start = folderId(concat(basePath, folderSegments), false);
        } catch (IOException | RuntimeException e) {
            throw DriveErrors.translate(action, e);
        }
        if (start.isEmpty()) {
            return Stream.empty();
        }
        String keyPrefix = folderSegments.isEmpty() ? "" : String.join("/", folderSegments) + "/";
        DriveListing listing = new DriveListing(this, concat(basePath, folderSegments), start.get(), keyPrefix, namePrefix, action);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing, Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    @Override
    public void delete(String key) {
        StorageKeys.requireKey(key);
        List<String> path = fullPath(key);
        try {
            Optional<String> folderId = folderId(path.subList(0, path.size() - 1), false);
            if (folderId.isEmpty()) {
                return;
            }
            for (DriveFile file : filesNamed(folderId.get(), path.get(path.size() - 1))) {
                remove(file);
            }
        } catch (IOException | RuntimeException e) {
            throw DriveErrors.translate("delete '" + key + "' from " + description, e);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (ownedTransport != null) {
            try {
                ownedTransport.shutdown();
            } catch (IOException e) {
                LOG.debug("closing the HTTP transport of {} failed", description, e);
            }
        }
    }

    @Override
    public String toString() {
        return "DriveStorageProvider[" + description + "]";
    }

    /** Checks that the root folder exists, is a folder, and that these credentials may add files to it. */
    void verifyRootFolder() {
        try {
            File root = drive.files().get(rootFolderId).setSupportsAllDrives(true)
                    .setFields("id,mimeType,trashed,capabilities(canAddChildren)").execute();
            if (!DriveFile.FOLDER_MIME_TYPE.equals(root.getMimeType())) {
                throw new ConfigurationException("the Google Drive id '" + rootFolderId + "' is a " + root.getMimeType()
                        + ", not a folder: give the id of the folder that should hold the backups");
            }
            if (Boolean.TRUE.equals(root.getTrashed())) {
                throw new ConfigurationException("the Google Drive folder '" + rootFolderId + "' is in the trash: restore it or use another folder");
            }
            if (root.getCapabilities() != null && Boolean.FALSE.equals(root.getCapabilities().getCanAddChildren())) {
                throw new ConfigurationException("the Google Drive folder '" + rootFolderId + "' is not writable with these credentials: "
                        + "share it with their account as Editor (on a shared drive: Content manager)");
            }
        } catch (IOException e) {
            throw DriveErrors.translate("open the root folder " + rootFolderId, e);
        }
    }

    // ---------------------------------------------------------------------------------------------- internals

    private List<String> fullPath(String key) {
        return concat(basePath, Arrays.asList(key.split("/")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    /** The file a key resolves to (see the class comment), if any. */
    private Optional<DriveFile> resolve(String key) throws IOException {
        List<String> path = fullPath(key);
        List<String> folderPath = path.subList(0, path.size() - 1);
        String name = path.get(path.size() - 1);
        Optional<String> folderId = folderId(folderPath, false);
        if (folderId.isEmpty()) {
            return Optional.empty();
        }
        List<DriveFile> named = filesNamed(folderId.get(), name);
        if (named.isEmpty()) {
            Optional<String> current = recheckFolder(folderPath, folderId.get());
            if (current.isPresent() && !current.get().equals(folderId.get())) {
                named = filesNamed(current.get(), name);
            }
        }
        if (named.size() > 1) {
            LOG.debug("{} files in {} are named like key '{}'; it resolves to the newest", named.size(), description, key);
        }
        return named.stream().min(DriveFile.KEY_RESOLUTION_ORDER);
    }

    /**
     * After a read found nothing in a folder whose id came from the cache: if another client removed (or
     * trashed) that folder, forget it and look the path up again. Costs one request, on misses only.
     *
     * @return the folder's current id, or empty if the path no longer exists
     */
    Optional<String> recheckFolder(List<String> folderPath, String cachedId) throws IOException {
        if (folderPath.isEmpty()) {
            return Optional.of(cachedId);
        }
        try {
            File folder = drive.files().get(cachedId).setSupportsAllDrives(true).setFields("id,trashed").execute();
            if (!Boolean.TRUE.equals(folder.getTrashed())) {
                return Optional.of(cachedId);
            }
        } catch (IOException e) {
            if (!DriveErrors.isStatus(e, 404)) {
                throw e;
            }
        }
        LOG.debug("folder {} ({}) was removed by another client; looking the path up again", String.join("/", folderPath), cachedId);
        forgetFolders(folderPath);
        return folderId(folderPath, false);
    }

    /** The id of the folder at {@code path} below the root, creating missing folders if asked to. */
    private Optional<String> folderId(List<String> path, boolean create) throws IOException {
        String parentId = rootFolderId;
        for (int i = 0; i < path.size(); i++) {
            String folderPath = String.join("/", path.subList(0, i + 1));
            String cached = folderIds.get(folderPath);
            if (cached != null) {
                parentId = cached;
                continue;
            }
            String name = path.get(i);
            Optional<String> found = create ? Optional.of(findOrCreateFolder(parentId, folderPath, name)) : findFolder(parentId, name);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            folderIds.put(folderPath, found.get());
            parentId = found.get();
        }
        return Optional.of(parentId);
    }

    private Optional<String> findFolder(String parentId, String name) throws IOException {
        return foldersNamed(parentId, name).stream().min(DriveFile.FOLDER_RESOLUTION_ORDER).map(DriveFile::id);
    }

    private String findOrCreateFolder(String parentId, String folderPath, String name) throws IOException {
        Object lock = folderCreationLocks.computeIfAbsent(folderPath, p -> new Object());
        synchronized (lock) {
            String cached = folderIds.get(folderPath);
            if (cached != null) {
                return cached;
            }
            Optional<String> existing = findFolder(parentId, name);
            if (existing.isPresent()) {
                return existing.get();
            }
            File metadata = new File().setName(name).setMimeType(DriveFile.FOLDER_MIME_TYPE).setParents(List.of(parentId));
            Drive.Files.Create create = drive.files().create(metadata).setSupportsAllDrives(true).setFields(FILE_FIELDS);
            create.setDisableGZipContent(true);
            DriveFile created = DriveFile.of(create.execute());
            LOG.debug("created folder {} ({}) in {}", folderPath, created.id(), description);
            // Another process may have created the same folder at the same time: all agree on the oldest one.
            DriveFile chosen = foldersNamed(parentId, name).stream().min(DriveFile.FOLDER_RESOLUTION_ORDER).orElse(created);
            if (!chosen.id().equals(created.id())) {
                if (isEmptyFolder(created.id())) {
                    removeQuietly(created);
                }
                LOG.debug("folder {} was created concurrently elsewhere; using {}", folderPath, chosen.id());
            }
            folderIds.put(folderPath, chosen.id());
            return chosen.id();
        }
    }

    private boolean isEmptyFolder(String folderId) throws IOException {
        FileList children = listRequest("'" + quote(folderId) + "' in parents and trashed = false").setPageSize(1).execute();
        return children.getFiles() == null || children.getFiles().isEmpty();
    }

    private void forgetFolders(List<String> path) {
        String prefix = String.join("/", path);
        folderIds.keySet().removeIf(p -> !p.isEmpty() && (p.equals(prefix) || p.startsWith(prefix + "/") || prefix.startsWith(p + "/")));
    }

    /** Every (not trashed) non-folder file named {@code name} directly in the folder. */
    private List<DriveFile> filesNamed(String folderId, String name) throws IOException {
        // The exact-name filter guards against a server that compares names ignoring case; Google Docs,
        // shortcuts and other native types have no bytes and are never objects.
        return listAll("'" + quote(folderId) + "' in parents and name = '" + quote(name) + "' and mimeType != '"
                + DriveFile.FOLDER_MIME_TYPE + "' and trashed = false")
                .stream().filter(f -> f.name().equals(name) && f.isBlob()).toList();
    }

    private List<DriveFile> foldersNamed(String parentId, String name) throws IOException {
        return listAll("'" + quote(parentId) + "' in parents and name = '" + quote(name) + "' and mimeType = '"
                + DriveFile.FOLDER_MIME_TYPE + "' and trashed = false")
                .stream().filter(f -> f.name().equals(name) && f.folder()).toList();
    }

    private List<DriveFile> listAll(String query) throws IOException {
        List<DriveFile> files = new ArrayList<>();
        String pageToken = null;
        do {
            FileList page = listRequest(query).setPageToken(pageToken).execute();
            if (page.getFiles() != null) {
                page.getFiles().forEach(f -> files.add(DriveFile.of(f)));
            }
            pageToken = page.getNextPageToken();
        } while (pageToken != null);
        return files;
    }

    /** One page of the children of a folder, in name order (so duplicates are adjacent); for {@link DriveListing}. */
    FileList listChildren(String folderId, String pageToken) throws IOException {
        return listRequest("'" + quote(folderId) + "' in parents and trashed = false")
                .setOrderBy("name").setPageSize(listPageSize).setPageToken(pageToken).execute();
    }

    private Drive.Files.List listRequest(String query) throws IOException {
        Drive.Files.List request = drive.files().list().setQ(query).setFields(LIST_FIELDS).setPageSize(listPageSize)
                .setSupportsAllDrives(true).setIncludeItemsFromAllDrives(true);
        String sharedDrive = sharedDriveOfRoot();
        if (!sharedDrive.isEmpty()) {
            request.setCorpora("drive").setDriveId(sharedDrive);
        }
        return request;
    }

    /**
     * The shared drive the root folder is on, "" for My Drive. Listings of a shared drive's folders must name
     * the drive ({@code corpora=drive}), so when it was not configured it is looked up once.
     */
    private String sharedDriveOfRoot() throws IOException {
        String known = driveId;
        if (known == null) {
            File root = drive.files().get(rootFolderId).setSupportsAllDrives(true).setFields("id,driveId").execute();
            known = root.getDriveId() == null ? "" : root.getDriveId();
            driveId = known;
            if (!known.isEmpty()) {
                LOG.debug("root folder {} is on shared drive {}", rootFolderId, known);
            }
        }
        return known;
    }

    /** Deletes (or trashes) a file; one that is already gone is fine. */
    private void remove(DriveFile file) throws IOException {
        try {
            if (deleteToTrash) {
                Drive.Files.Update trash = drive.files().update(file.id(), new File().setTrashed(true)).setSupportsAllDrives(true).setFields("id");
                trash.setDisableGZipContent(true);
                trash.execute();
            } else {
                drive.files().delete(file.id()).setSupportsAllDrives(true).execute();
            }
        } catch (IOException e) {
            if (!DriveErrors.isStatus(e, 404)) {
                throw e;
            }
        }
    }

    private void removeQuietly(DriveFile file) {
        try {
            remove(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove Drive file {} ({}) after a failed step in {}: {}", file.id(), file.name(), description, e.toString());
        }
    }

    /** Quotes a value for a Drive query string literal. */
    static String quote(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'");
    }

    // ---------------------------------------------------------------------------------------------- builder

    /**
     * Configures a {@link DriveStorageProvider}. Authentication: exactly one of {@link #drive},
     * {@link #credentials}, {@link #credentialsFile}, {@link #userCredentials} or
     * {@link #applicationDefaultCredentials}. Each setter checks its argument at once
     * ({@link IllegalArgumentException}) and may be called once; a second way of authenticating, or a setting an
     * existing {@link #drive} client already has, is an {@link IllegalStateException} naming both. {@link #build()}
     * fails with a {@link ConfigurationException} when the root folder or the authentication is missing, or the
     * sizes do not fit together.
     */
    public static final class Builder {
        /**
         * Drive's default retries: 9 requests in all, waits from 0.5 s doubling up to 32 s, the backoff Google asks
         * for on its per-user rate limits (longer than {@link RetryPolicy#DEFAULT}, which suits S3).
         */
        public static final RetryPolicy DEFAULT_RETRIES = new RetryPolicy(9, Duration.ofMillis(500), Duration.ofSeconds(32));
        private static final int UNSET = -1;
        private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
        private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
        private static final String DRIVE_ID = "[A-Za-z0-9_-]+";
        private String rootFolderId;
        private String driveId;
        private String basePath;
        private String authentication;
        private Drive drive;
        private GoogleCredentials credentials;
        private Path credentialsFile;
        private String clientId;
        private String clientSecret;
        private String refreshToken;
        private String impersonatedUser;
        private URI tokenServerUri;
        private String rootUrl;
        private HttpTransport transport;
        private int chunkSize = UNSET;
        private int simpleUploadThreshold = UNSET;
        private int listPageSize = UNSET;
        private Boolean deleteToTrash;
        private RetryPolicy retryPolicy;

        private Builder() {
        }

        /** The id of the folder that holds everything (from its Drive URL: {@code .../folders/<id>}). Required. */
        public Builder rootFolderId(String folderId) {
            this.rootFolderId = Require.once(this.rootFolderId, requireDriveId("rootFolderId", folderId, "Drive folder",
                    "; the last part of the folder's Drive URL"), "rootFolderId");
            return this;
        }

        /**
         * The shared drive the root folder is on: listings search that drive ({@code corpora=drive}). Optional: when
         * not given, the provider asks Drive once which drive the root folder is on.
         */
        public Builder driveId(String sharedDriveId) {
            this.driveId = Require.once(this.driveId, requireDriveId("driveId", sharedDriveId, "shared drive", ""),
                    "driveId");
            return this;
        }

        /** The check of a folder or shared drive id: what Drive's ids are made of, or a message naming the setting. */
        private static String requireDriveId(String setting, String id, String kind, String hint) {
            Objects.requireNonNull(id, setting);
            Require.argument(id.matches(DRIVE_ID), "%s: '%s' is not a Google %s id (letters, digits, '-' and '_'%s)",
                    setting, id, kind, hint);
            return id;
        }

        /** A sub-path below the root folder ({@code a/b}, same rules as a key) under which all keys live. */
        public Builder basePath(String path) {
            Objects.requireNonNull(path, "basePath");
            try {
                StorageKeys.requireKey(path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("basePath: Google Drive base path: " + e.getMessage(), e);
            }
            this.basePath = Require.once(this.basePath, path, "basePath");
            return this;
        }

        /**
         * An existing Drive client. Its transport, root URL and request initializer (its credentials) are kept;
         * the provider adds its retry handling around them.
         */
        public Builder drive(Drive existing) {
            Objects.requireNonNull(existing, "drive");
            String own = impersonatedUser != null ? "impersonate(...)" : tokenServerUri != null ? "tokenServerUri(...)"
                    : rootUrl != null ? "rootUrl(...)" : transport != null ? "transport(...)" : null;
            Require.state(own == null, "drive(...) and %s conflict: with an existing Drive client, configure that on the"
                    + " client", own);
            authenticate("drive(...)");
            this.drive = existing;
            return this;
        }

        /** Credentials to use; scoped to full Drive access if they need scopes. */
        public Builder credentials(GoogleCredentials googleCredentials) {
            Objects.requireNonNull(googleCredentials, "credentials");
            authenticate("credentials(...)");
            this.credentials = googleCredentials;
            return this;
        }

        /**
         * A JSON credentials file: a service-account key ({@code "type": "service_account"}) or OAuth user
         * credentials ({@code "type": "authorized_user"} with client_id, client_secret, refresh_token).
         */
        public Builder credentialsFile(Path jsonFile) {
            Objects.requireNonNull(jsonFile, "credentialsFile");
            authenticate("credentialsFile(" + jsonFile + ")");
            this.credentialsFile = jsonFile;
            return this;
        }

        /** OAuth user credentials; access tokens are obtained and refreshed from the refresh token. */
        public Builder userCredentials(String oauthClientId, String oauthClientSecret, String oauthRefreshToken) {
            // none of the three is shown: a client secret and a refresh token are secrets
            for (String[] part : new String[][] {{"client id", oauthClientId}, {"client secret", oauthClientSecret},
                    {"refresh token", oauthRefreshToken}}) {
                Objects.requireNonNull(part[1], "userCredentials " + part[0]);
                Require.argument(!part[1].isBlank(), "userCredentials: the OAuth %s is empty; all three of client id,"
                        + " client secret and refresh token are needed", part[0]);
            }
            authenticate("userCredentials(...)");
            this.clientId = oauthClientId;
            this.clientSecret = oauthClientSecret;
            this.refreshToken = oauthRefreshToken;
            return this;
        }

        /** Google's Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server). */
        public Builder applicationDefaultCredentials() {
            authenticate("applicationDefaultCredentials()");
            return this;
        }

        /** The one way of authenticating: the five methods replace each other, so only one may be called. */
        private void authenticate(String call) {
            Require.state(authentication == null, "%s: Google Drive authentication was already set by %s; choose one of"
                    + " drive(..), credentials(..), credentialsFile(..), userCredentials(..), applicationDefaultCredentials()",
                    call, authentication);
            authentication = call;
        }

        /** A setting that an existing Drive client already has: set once, and not with {@code drive(...)}. */
        private <T> T clientSetting(T current, T value, String setting) {
            Require.once(current, value, setting);
            Require.state(drive == null, "%s(...) and drive(...) conflict: with an existing Drive client, configure that on"
                    + " the client", setting);
            return value;
        }

        /** With service-account credentials: act as this user through domain-wide delegation. */
        public Builder impersonate(String userEmail) {
            Require.nonBlank("impersonate", userEmail);
            this.impersonatedUser = clientSetting(impersonatedUser, userEmail, "impersonate");
            return this;
        }

        /** For tests: where service-account and user credentials get tokens, instead of Google's endpoint. */
        public Builder tokenServerUri(URI uri) {
            Objects.requireNonNull(uri, "tokenServerUri");
            this.tokenServerUri = clientSetting(tokenServerUri, uri, "tokenServerUri");
            return this;
        }

        /** For tests: the Drive API root URL, e.g. {@code http://127.0.0.1:8080/}. */
        public Builder rootUrl(String url) {
            Objects.requireNonNull(url, "rootUrl");
            Require.argument(url.startsWith("https://") || url.startsWith("http://"), "rootUrl: the Google Drive root URL"
                    + " must be an http(s) URL, was %s", url);
            this.rootUrl = clientSetting(rootUrl, url, "rootUrl");
            return this;
        }

        /** The HTTP transport (a proxy, custom TLS); default a new {@link NetHttpTransport}. */
        public Builder transport(HttpTransport httpTransport) {
            Objects.requireNonNull(httpTransport, "transport");
            this.transport = clientSetting(transport, httpTransport, "transport");
            return this;
        }

        /**
         * Resumable upload chunk size; default 8 MiB. Memory per upload is one chunk. Drive takes chunks in multiples
         * of 256 KiB, so the size is rounded down to one ({@code 8MB} = 8,000,000 bytes gives 7.5 MiB chunks).
         *
         * @throws IllegalArgumentException when smaller than 256 KiB
         */
        public Builder chunkSize(long bytes) {
            Require.argument(bytes >= CHUNK_GRANULARITY && bytes <= Integer.MAX_VALUE, "chunkSize: Google Drive chunk size"
                    + " must be at least 256 KiB (262144 bytes) and below 2 GiB, was %d", bytes);
            Require.state(chunkSize == UNSET, "chunkSize was already set (to %d); set it once", chunkSize);
            this.chunkSize = (int) (bytes - bytes % CHUNK_GRANULARITY);
            return this;
        }

        /** Objects up to this size go in one multipart request; default 1 MiB (at most the chunk size). */
        public Builder simpleUploadThreshold(int bytes) {
            Require.argument(bytes >= 0, "simpleUploadThreshold must not be negative, was %d", bytes);
            Require.state(simpleUploadThreshold == UNSET, "simpleUploadThreshold was already set (to %d); set it once",
                    simpleUploadThreshold);
            this.simpleUploadThreshold = bytes;
            return this;
        }

        /** Files per listing page, 1 to 1000 (Drive's maximum and the default). */
        public Builder listPageSize(int files) {
            Require.between("listPageSize", files, 1, 1000);
            Require.state(listPageSize == UNSET, "listPageSize was already set (to %d); set it once", listPageSize);
            this.listPageSize = files;
            return this;
        }

        /** Move deleted and replaced files to the trash (recoverable for 30 days) instead of deleting them. */
        public Builder deleteToTrash(boolean trash) {
            this.deleteToTrash = Require.once(this.deleteToTrash, trash, "deleteToTrash");
            return this;
        }

        /**
         * How throttled, failed or dropped requests are retried; default {@link #DEFAULT_RETRIES}. The numbers mean
         * what they mean everywhere ({@code maxAttempts} counts the first request). Every Drive request is retried
         * here, where it is made (a put is a sequence of requests over content consumed as it is sent, and a broken
         * chunk of a resumable upload is recovered from the offset the server reports), so the engine's retry wrapper
         * adds no attempts on top. A broken download resumes from its last byte up to {@code maxAttempts - 1} times.
         *
         * @throws IllegalStateException when set twice
         */
        public Builder retries(RetryPolicy policy) {
            Objects.requireNonNull(policy, "retries");
            Require.state(retryPolicy == null, "Google Drive retries were already set (to %s): set them once", retryPolicy);
            this.retryPolicy = policy;
            return this;
        }

        /**
         * The provider; makes no network call.
         *
         * @throws ConfigurationException when the root folder or the authentication is missing, or the simple upload
         *                                threshold exceeds the chunk size
         */
        public DriveStorageProvider build() {
            if (rootFolderId == null) {
                throw new ConfigurationException("Google Drive storage needs the id of its root folder: rootFolderId(\"<id from the folder's URL>\")");
            }
            if (authentication == null) {
                throw new ConfigurationException("Google Drive storage needs credentials: call one of drive(..), credentials(..), "
                        + "credentialsFile(..), userCredentials(..) or applicationDefaultCredentials()");
            }
            if (simpleUploadThreshold != UNSET && simpleUploadThreshold > chunkSize()) {
                throw new ConfigurationException("Google Drive simple upload threshold (" + simpleUploadThreshold
                        + ") must not exceed the chunk size (" + chunkSize() + "): lower simpleUploadThreshold(...) or"
                        + " raise chunkSize(...)");
            }
            HttpTransport ownTransport = null;
            Drive client;
            if (drive != null) {
                client = new Drive.Builder(drive.getRequestFactory().getTransport(), drive.getJsonFactory(),
                        initializer(drive.getRequestFactory().getInitializer()))
                        .setRootUrl(drive.getRootUrl())
                        .setServicePath(drive.getServicePath())
                        .setGoogleClientRequestInitializer(drive.getGoogleClientRequestInitializer())
                        .setApplicationName(drive.getApplicationName())
                        .build();
            } else {
                HttpTransport httpTransport = transport;
                if (httpTransport == null) {
                    httpTransport = new NetHttpTransport();
                    ownTransport = httpTransport;
                }
                GoogleCredentials resolved = resolveCredentials(httpTransport);
                Drive.Builder builder = new Drive.Builder(httpTransport, GsonFactory.getDefaultInstance(),
                        initializer(new HttpCredentialsAdapter(resolved))).setApplicationName("BackupKit");
                if (rootUrl != null) {
                    builder.setRootUrl(rootUrl.endsWith("/") ? rootUrl : rootUrl + "/");
                }
                client = builder.build();
            }
            return new DriveStorageProvider(this, client, ownTransport);
        }

        private int chunkSize() {
            return chunkSize != UNSET ? chunkSize : DEFAULT_CHUNK_SIZE;
        }

        private RetryPolicy retryPolicy() {
            return retryPolicy != null ? retryPolicy : DEFAULT_RETRIES;
        }

        private HttpRequestInitializer initializer(HttpRequestInitializer credentialsInitializer) {
            return new DriveRequestInitializer(credentialsInitializer, retryPolicy(), CONNECT_TIMEOUT, READ_TIMEOUT);
        }

        private GoogleCredentials resolveCredentials(HttpTransport httpTransport) {
            HttpTransportFactory transportFactory = () -> httpTransport;
            GoogleCredentials resolved;
            if (credentials != null) {
                resolved = credentials;
            } else if (credentialsFile != null) {
                try (InputStream in = Files.newInputStream(credentialsFile)) {
                    resolved = GoogleCredentials.fromStream(in, transportFactory);
                } catch (IOException | RuntimeException e) {
                    // The parser's message never contains the file's content.
                    throw new ConfigurationException("cannot read Google credentials from " + credentialsFile + ": " + e.getMessage()
                            + " (expected a service-account key or an authorized_user JSON file)", e);
                }
            } else if (clientId != null) {
                UserCredentials.Builder user = UserCredentials.newBuilder().setClientId(clientId).setClientSecret(clientSecret)
                        .setRefreshToken(refreshToken).setHttpTransportFactory(transportFactory);
                resolved = user.build();
            } else {
                try {
                    resolved = GoogleCredentials.getApplicationDefault(transportFactory);
                } catch (IOException e) {
                    throw new ConfigurationException("no Google Application Default Credentials found: set "
                            + "GOOGLE_APPLICATION_CREDENTIALS to a credentials JSON file, or pass credentials explicitly", e);
                }
            }
            if (tokenServerUri != null) {
                if (resolved instanceof ServiceAccountCredentials sa) {
                    resolved = sa.toBuilder().setTokenServerUri(tokenServerUri).setHttpTransportFactory(transportFactory).build();
                } else if (resolved instanceof UserCredentials user) {
                    resolved = user.toBuilder().setTokenServerUri(tokenServerUri).setHttpTransportFactory(transportFactory).build();
                }
            }
            if (impersonatedUser != null) {
                if (!(resolved instanceof ServiceAccountCredentials sa)) {
                    throw new ConfigurationException("impersonating '" + impersonatedUser + "' needs service-account credentials "
                            + "(domain-wide delegation); these are " + resolved.getClass().getSimpleName());
                }
                resolved = sa.createDelegated(impersonatedUser);
            }
            if (resolved.createScopedRequired()) {
                resolved = resolved.createScoped(List.of(DriveScopes.DRIVE));
            }
            return resolved;
        }
    }
}
