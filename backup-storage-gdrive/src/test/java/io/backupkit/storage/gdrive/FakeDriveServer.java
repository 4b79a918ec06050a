package io.backupkit.storage.gdrive;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A strict fake of the parts of the Google Drive v3 API and Google's OAuth token endpoint that the real Java
 * client uses (see shared/STACK.md), on loopback. File contents live in files under a directory, never in
 * memory (multipart bodies excepted: they are small by definition). It checks what a real server checks and
 * what a client bug would get wrong: bearer tokens, the continuity and total length of resumable uploads,
 * 256 KiB chunk granularity, multipart bodies, query syntax ({@code q}, {@code fields}, paging tokens), shared
 * drive parameters. Faults can be injected, and every request is logged for tests to assert on.
 */
final class FakeDriveServer implements AutoCloseable {
    static final String FOLDER = "application/vnd.google-apps.folder";
    static final int CHUNK_GRANULARITY = 256 * 1024;
    private static final Gson GSON = new Gson();

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // 40 ms per request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    private static final Pattern FILE_PATH = Pattern.compile("/drive/v3/files/([A-Za-z0-9_-]+)");
    private static final Pattern DOWNLOAD_PATH = Pattern.compile("/download/drive/v3/files/([A-Za-z0-9_-]+)");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
    private static final Set<String> FILE_FIELDS = Set.of("kind", "id", "name", "mimeType", "parents", "size", "modifiedTime",
            "createdTime", "trashed", "driveId", "md5Checksum", "capabilities");

    /** One logged request. {@code status} is -1 when the server dropped the connection. */
    record LoggedRequest(String method, String path, Map<String, String> query, String contentRange, String range,
                         String contentEncoding, String contentType, long bodyBytes, int status, String note) {
        boolean isChunk() {
            return "PUT".equals(method) && contentRange != null && !contentRange.startsWith("bytes */");
        }

        boolean isStatusQuery() {
            return "PUT".equals(method) && contentRange != null && contentRange.startsWith("bytes */");
        }
    }

    /** What an injected fault does to a matching request. */
    sealed interface Fault permits ErrorFault, DropFault, DropResponseFault {
    }

    /** Answer with this status and Drive error reason. */
    record ErrorFault(int status, String reason, String message) implements Fault {
    }

    /** Read this many bytes of the request body, keep them (upload chunks), then drop the connection. */
    record DropFault(long afterBodyBytes) implements Fault {
    }

    /** Send the response headers and this many body bytes of a download, then drop the connection. */
    record DropResponseFault(long afterBytes) implements Fault {
    }

    private record Rule(Predicate<HttpExchange> matches, Fault fault, AtomicLong remaining) {
    }

    static final class FakeFile {
        final String id;
        final String name;
        final String mimeType;
        final String parent;
        final String driveId;
        final Instant createdTime;
        final Instant modifiedTime;
        final long size;
        final Path content;
        volatile boolean trashed;
        volatile boolean readOnly;

        FakeFile(String id, String name, String mimeType, String parent, String driveId, Instant createdTime, Instant modifiedTime,
                 long size, Path content) {
            this.id = id;
            this.name = name;
            this.mimeType = mimeType;
            this.parent = parent;
            this.driveId = driveId;
            this.createdTime = createdTime;
            this.modifiedTime = modifiedTime;
            this.size = size;
            this.content = content;
        }

        boolean isFolder() {
            return FOLDER.equals(mimeType);
        }

        String id() {
            return id;
        }

        String name() {
            return name;
        }

        String parent() {
            return parent;
        }

        Instant modifiedTime() {
            return modifiedTime;
        }

        boolean trashed() {
            return trashed;
        }

        long size() {
            return size;
        }

        Path content() {
            return content;
        }
    }

    private static final class UploadSession {
        final String id;
        final String name;
        final String mimeType;
        final String parent;
        final String driveId;
        final Map<String, String> initiationQuery;
        final Path content;
        Long total;
        long received;
        FakeFile completed;

        UploadSession(String id, String name, String mimeType, String parent, String driveId, Map<String, String> query, Path content, Long total) {
            this.id = id;
            this.name = name;
            this.mimeType = mimeType;
            this.parent = parent;
            this.driveId = driveId;
            this.initiationQuery = query;
            this.content = content;
            this.total = total;
        }
    }

    private record Identity(String email, boolean serviceAccount) {
    }

    private record UserClient(String clientSecret, String refreshToken, String email) {
    }

    private record ServiceAccount(PublicKey key, boolean domainWideDelegation) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path storage;
    private final Map<String, FakeFile> files = new ConcurrentHashMap<>();
    private final Map<String, String> sharedDrives = new ConcurrentHashMap<>();
    private final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Identity> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, UserClient> userClients = new ConcurrentHashMap<>();
    private final Set<String> revokedRefreshTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, ServiceAccount> serviceAccounts = new ConcurrentHashMap<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<LoggedRequest> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ids = new AtomicLong(1000);
    private final AtomicLong tokensIssued = new AtomicLong();
    private Instant lastTime = Instant.EPOCH;
    private volatile boolean namesIgnoreCase;
    private volatile boolean locationOn308;
    private volatile Runnable beforeUploadCompletes = () -> { };

    private FakeDriveServer(Path storage) throws IOException {
        this.storage = storage;
        Files.createDirectories(storage);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-drive");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeDriveServer start(Path storage) throws IOException {
        return new FakeDriveServer(storage);
    }

    String rootUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    URI tokenUri() {
        return URI.create(rootUrl() + "token");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------ set-up for tests

    /** An OAuth client with one user's refresh token; that user has storage quota. */
    void registerUserClient(String clientId, String clientSecret, String refreshToken, String email) {
        userClients.put(clientId, new UserClient(clientSecret, refreshToken, email));
    }

    void revokeRefreshToken(String refreshToken) {
        revokedRefreshTokens.add(refreshToken);
    }

    /** Makes every access token issued so far invalid, as if it had expired. */
    void expireAccessTokens() {
        accessTokens.clear();
    }

    /** A service account: it has no storage quota of its own (uploads outside shared drives fail). */
    void registerServiceAccount(String email, PublicKey key, boolean domainWideDelegation) {
        serviceAccounts.put(email, new ServiceAccount(key, domainWideDelegation));
    }

    long tokensIssued() {
        return tokensIssued.get();
    }

    /** A folder in My Drive (no parent). */
    String createRootFolder(String name) {
        return createFolder(null, name);
    }

    String createFolder(String parent, String name) {
        String driveId = parent == null ? null : files.get(parent).driveId;
        Instant now = now();
        FakeFile folder = new FakeFile(newId(), name, FOLDER, parent, driveId, now, now, 0, null);
        files.put(folder.id, folder);
        return folder.id;
    }

    /** A shared drive; its id is also the id of its root folder. */
    String createSharedDrive(String name) {
        String id = "0A" + newId();
        sharedDrives.put(id, name);
        Instant now = now();
        files.put(id, new FakeFile(id, name, FOLDER, null, id, now, now, 0, null));
        return id;
    }

    /** Runs just before a resumable upload's file is created, e.g. to let a "concurrent" client finish first. */
    void beforeUploadCompletes(Runnable action) {
        beforeUploadCompletes = action;
    }

    /** Sends the session URL as {@code Location} with every 308, as Google's upload servers may. */
    void sendLocationWithResumeIncomplete(boolean send) {
        locationOn308 = send;
    }

    /** Makes {@code name = '...'} in queries compare ignoring case, as some servers might. */
    void compareNamesIgnoringCase(boolean ignoreCase) {
        namesIgnoreCase = ignoreCase;
    }

    /** Puts a file straight into the store, e.g. duplicates made by another Drive client. */
    String seedFile(String parent, String name, byte[] content, Instant modifiedTime) {
        return seedFile(parent, name, content, modifiedTime, "application/octet-stream");
    }

    String seedFile(String parent, String name, byte[] content, Instant modifiedTime, String mimeType) {
        try {
            String id = newId();
            Path path = storage.resolve(id);
            Files.write(path, content);
            FakeFile file = new FakeFile(id, name, mimeType, parent, files.get(parent).driveId,
                    modifiedTime, modifiedTime, content.length, path);
            files.put(id, file);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file or folder (with its contents) as another Drive client would. */
    void removeDirectly(String id) {
        synchronized (this) {
            removeTree(files.get(id));
        }
    }

    /** The paths of all (not trashed) files below a folder, sorted; a file stored twice appears twice. */
    List<String> filePathsBelow(String folderId) {
        List<String> paths = new ArrayList<>();
        collectPaths(folderId, "", paths);
        Collections.sort(paths);
        return paths;
    }

    private void collectPaths(String folderId, String prefix, List<String> paths) {
        for (FakeFile f : children(folderId)) {
            if (f.isFolder()) {
                collectPaths(f.id, prefix + f.name + "/", paths);
            } else {
                paths.add(prefix + f.name);
            }
        }
    }

    /** The account may read the folder but not add to it (shared as Viewer). */
    void makeReadOnly(String folderId) {
        files.get(folderId).readOnly = true;
    }

    /** Not trashed files and folders directly in a folder, in id order. */
    List<FakeFile> children(String parent) {
        return files.values().stream().filter(f -> parent.equals(f.parent) && !f.trashed)
                .sorted(Comparator.comparing(FakeFile::id)).toList();
    }

    List<FakeFile> childrenIncludingTrashed(String parent) {
        return files.values().stream().filter(f -> parent.equals(f.parent)).sorted(Comparator.comparing(FakeFile::id)).toList();
    }

    Optional<FakeFile> file(String id) {
        return Optional.ofNullable(files.get(id));
    }

    int openUploadSessions() {
        return (int) sessions.values().stream().filter(s -> s.completed == null).count();
    }

    /** Applies {@code fault} to the next {@code times} requests that match. */
    void inject(Predicate<HttpExchange> matches, int times, Fault fault) {
        rules.add(new Rule(matches, fault, new AtomicLong(times)));
    }

    static Predicate<HttpExchange> chunkUploads() {
        return ex -> "PUT".equals(ex.getRequestMethod()) && ex.getRequestURI().getPath().startsWith("/upload/")
                && Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Range")).filter(r -> !r.startsWith("bytes */")).isPresent();
    }

    /** A chunk upload whose Content-Range starts at or after {@code offset}. */
    static Predicate<HttpExchange> chunkUploadFrom(long offset) {
        return chunkUploads().and(ex -> {
            Matcher m = CONTENT_RANGE.matcher(ex.getRequestHeaders().getFirst("Content-Range"));
            return m.matches() && m.group(1) != null && Long.parseLong(m.group(1)) >= offset;
        });
    }

    static Predicate<HttpExchange> uploadInitiations() {
        return ex -> "POST".equals(ex.getRequestMethod()) && ex.getRequestURI().getPath().startsWith("/upload/");
    }

    static Predicate<HttpExchange> listRequests() {
        return ex -> "GET".equals(ex.getRequestMethod()) && ex.getRequestURI().getPath().equals("/drive/v3/files");
    }

    static Predicate<HttpExchange> downloads() {
        return ex -> "GET".equals(ex.getRequestMethod()) && Optional.ofNullable(ex.getRequestURI().getRawQuery())
                .filter(q -> q.contains("alt=media")).isPresent();
    }

    static Predicate<HttpExchange> anyDriveRequest() {
        return ex -> !ex.getRequestURI().getPath().equals("/token");
    }

    void clearFaults() {
        rules.clear();
    }

    List<LoggedRequest> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    void clearLog() {
        log.clear();
    }

    // ------------------------------------------------------------------------------------ dispatch

    private void handle(HttpExchange ex) throws IOException {
        Exchange x = new Exchange(ex);
        try {
            Fault fault = takeFault(ex);
            if (fault instanceof ErrorFault ef) {
                drain(ex);
                x.error(ef.status(), ef.reason(), ef.message());
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = effectiveMethod(ex);
            if (path.equals("/token") && method.equals("POST")) {
                token(x);
                return;
            }
            Identity who = authenticate(x);
            if (who == null) {
                return;
            }
            Matcher fileMatcher = FILE_PATH.matcher(path);
            Matcher downloadMatcher = DOWNLOAD_PATH.matcher(path);
            if (path.equals("/drive/v3/files") && method.equals("GET")) {
                list(x);
            } else if (path.equals("/drive/v3/files") && method.equals("POST")) {
                createMetadataOnly(x, who);
            } else if (path.equals("/upload/drive/v3/files") && method.equals("POST")) {
                String type = x.query.get("uploadType");
                if ("multipart".equals(type)) {
                    multipart(x, who);
                } else if ("resumable".equals(type)) {
                    initiateResumable(x, who);
                } else {
                    x.error(400, "badRequest", "uploadType '" + type + "' is not supported by this fake (the provider never sends it)");
                }
            } else if (path.equals("/upload/drive/v3/files") && method.equals("PUT")) {
                chunk(x, fault instanceof DropFault df ? df : null);
            } else if (fileMatcher.matches() && method.equals("GET")) {
                if ("media".equals(x.query.get("alt"))) {
                    media(x, fileMatcher.group(1), fault instanceof DropResponseFault d ? d : null);
                } else {
                    metadata(x, fileMatcher.group(1));
                }
            } else if (downloadMatcher.matches() && method.equals("GET") && "media".equals(x.query.get("alt"))) {
                media(x, downloadMatcher.group(1), fault instanceof DropResponseFault d ? d : null);
            } else if (fileMatcher.matches() && method.equals("DELETE")) {
                delete(x, fileMatcher.group(1));
            } else if (fileMatcher.matches() && method.equals("PATCH")) {
                update(x, fileMatcher.group(1));
            } else {
                drain(ex);
                x.error(404, "notFound", "the fake Drive does not implement " + method + " " + path);
            }
        } catch (BadRequest e) {
            drain(ex);
            x.error(e.status, e.reason, e.getMessage());
        } catch (DroppedConnection e) {
            x.logDropped(e.getMessage());
            ex.close(); // no response: the client sees the connection reset
        } catch (IOException | RuntimeException e) {
            x.log(-1, "server failure: " + e);
            ex.close();
        }
    }

    private static String effectiveMethod(HttpExchange ex) {
        String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
        return "POST".equals(ex.getRequestMethod()) && override != null ? override : ex.getRequestMethod();
    }

    private Fault takeFault(HttpExchange ex) {
        for (Rule rule : rules) {
            if (rule.remaining().get() > 0 && rule.matches().test(ex) && rule.remaining().getAndDecrement() > 0) {
                return rule.fault();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ OAuth

    private void token(Exchange x) throws IOException {
        String contentType = x.header("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            throw new BadRequest(400, "invalid_request", "token requests are form-encoded");
        }
        Map<String, String> form = parseQuery(new String(x.body(1 << 16), StandardCharsets.UTF_8));
        String grant = form.get("grant_type");
        Identity identity;
        if ("refresh_token".equals(grant)) {
            UserClient client = userClients.get(form.get("client_id"));
            if (client == null || !client.clientSecret().equals(form.get("client_secret"))) {
                x.oauthError(401, "invalid_client", "The OAuth client was not found.");
                return;
            }
            String refreshToken = form.get("refresh_token");
            if (!client.refreshToken().equals(refreshToken) || revokedRefreshTokens.contains(refreshToken)) {
                x.oauthError(400, "invalid_grant", "Token has been expired or revoked.");
                return;
            }
            identity = new Identity(client.email(), false);
        } else if ("urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grant)) {
            identity = verifyAssertion(x, form.get("assertion"));
            if (identity == null) {
                return;
            }
        } else {
            x.oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + grant);
            return;
        }
        String token = "ya29.fake-" + tokensIssued.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        accessTokens.put(token, identity);
        JsonObject body = new JsonObject();
        body.addProperty("access_token", token);
        body.addProperty("expires_in", 3599);
        body.addProperty("token_type", "Bearer");
        x.json(200, body, "token for " + (identity.serviceAccount() ? "service account" : "user"));
    }

    private Identity verifyAssertion(Exchange x, String assertion) throws IOException {
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
        if (parts.length != 3) {
            x.oauthError(400, "invalid_grant", "Invalid JWT: malformed");
            return null;
        }
        JsonObject claims = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getAsJsonObject();
        String issuer = claims.has("iss") ? claims.get("iss").getAsString() : "";
        ServiceAccount account = serviceAccounts.get(issuer);
        if (account == null) {
            x.oauthError(400, "invalid_grant", "Invalid JWT Signature.");
            return null;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(account.key());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                x.oauthError(400, "invalid_grant", "Invalid JWT Signature.");
                return null;
            }
        } catch (java.security.GeneralSecurityException e) {
            x.oauthError(400, "invalid_grant", "Invalid JWT Signature.");
            return null;
        }
        // Google's token endpoint wants its documented audience; the client library always sends it.
        Set<String> audiences = Set.of("https://oauth2.googleapis.com/token", tokenUri().toString());
        if (!claims.has("aud") || !audiences.contains(claims.get("aud").getAsString())) {
            x.oauthError(400, "invalid_grant", "Invalid JWT: aud must be the token endpoint, was " + claims.get("aud"));
            return null;
        }
        if (!claims.has("scope") || !claims.get("scope").getAsString().contains("https://www.googleapis.com/auth/drive")) {
            x.oauthError(400, "invalid_scope", "the assertion asks for no Drive scope");
            return null;
        }
        if (!claims.has("exp") || claims.get("exp").getAsLong() < Instant.now().getEpochSecond()) {
            x.oauthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token");
            return null;
        }
        if (claims.has("sub")) {
            if (!account.domainWideDelegation()) {
                x.oauthError(401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this method");
                return null;
            }
            return new Identity(claims.get("sub").getAsString(), false);
        }
        return new Identity(issuer, true);
    }

    private Identity authenticate(Exchange x) throws IOException {
        String auth = x.header("Authorization");
        Identity who = auth != null && auth.startsWith("Bearer ") ? accessTokens.get(auth.substring(7)) : null;
        if (who == null) {
            drain(x.ex);
            x.ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
            x.error(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
        }
        return who;
    }

    // ------------------------------------------------------------------------------------ metadata requests

    private void list(Exchange x) throws IOException {
        x.requireOnly("q", "fields", "pageSize", "pageToken", "orderBy", "supportsAllDrives", "includeItemsFromAllDrives",
                "corpora", "driveId", "spaces");
        boolean allDrives = "true".equals(x.query.get("supportsAllDrives")) && "true".equals(x.query.get("includeItemsFromAllDrives"));
        String driveId = x.query.get("driveId");
        String corpora = x.query.get("corpora");
        if (driveId != null) {
            if (!"drive".equals(corpora) || !allDrives) {
                throw new BadRequest(400, "invalid", "driveId needs corpora=drive, includeItemsFromAllDrives=true and supportsAllDrives=true");
            }
            if (!sharedDrives.containsKey(driveId)) {
                throw new BadRequest(404, "notFound", "Shared drive not found: " + driveId);
            }
        } else if ("drive".equals(corpora)) {
            throw new BadRequest(400, "invalid", "corpora=drive needs a driveId");
        }
        int pageSize = x.query.containsKey("pageSize") ? parseInt(x.query.get("pageSize"), "pageSize") : 100;
        if (pageSize < 1 || pageSize > 1000) {
            throw new BadRequest(400, "invalid", "Invalid value for pageSize: " + pageSize);
        }
        Predicate<FakeFile> query = QueryParser.parse(Objects.requireNonNullElse(x.query.get("q"), ""), namesIgnoreCase);
        Comparator<FakeFile> order = orderBy(x.query.get("orderBy"));
        Mask mask = Mask.parse(x.query.getOrDefault("fields", "kind,incompleteSearch,files(kind,id,name,mimeType)"), true);
        String signature = Integer.toHexString(Objects.hash(x.query.get("q"), x.query.get("orderBy"), driveId, pageSize));
        int offset = 0;
        String pageToken = x.query.get("pageToken");
        if (pageToken != null) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, "invalid", "Invalid Value: pageToken");
            }
            String[] parts = decoded.split(":");
            if (parts.length != 2 || !parts[0].equals(signature)) {
                throw new BadRequest(400, "invalid", "the pageToken belongs to another query");
            }
            offset = Integer.parseInt(parts[1]);
        }
        List<FakeFile> matches = files.values().stream()
                .filter(f -> f.parent != null) // roots of My Drive and shared drives are not listed as children
                // As on Drive: shared drive items are searched only in their drive's corpus (or all drives).
                .filter(f -> f.driveId == null ? driveId == null : allDrives && (f.driveId.equals(driveId) || "allDrives".equals(corpora)))
                .filter(query)
                .sorted(order)
                .toList();
        List<FakeFile> pageFiles = matches.subList(Math.min(offset, matches.size()), Math.min(offset + pageSize, matches.size()));
        JsonObject body = new JsonObject();
        body.addProperty("kind", "drive#fileList");
        body.addProperty("incompleteSearch", false);
        if (offset + pageSize < matches.size()) {
            body.addProperty("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((signature + ":" + (offset + pageSize)).getBytes(StandardCharsets.UTF_8)));
        }
        JsonArray array = new JsonArray();
        pageFiles.forEach(f -> array.add(toJson(f)));
        body.add("files", array);
        x.json(200, mask.apply(body), pageFiles.size() + " of " + matches.size());
    }

    private static Comparator<FakeFile> orderBy(String orderBy) {
        if (orderBy == null) {
            return Comparator.comparing(FakeFile::id);
        }
        return switch (orderBy) {
            case "name" -> Comparator.comparing(FakeFile::name).thenComparing(FakeFile::id);
            case "modifiedTime desc" -> Comparator.comparing(FakeFile::modifiedTime).reversed().thenComparing(FakeFile::id);
            default -> throw new BadRequest(400, "invalid", "orderBy '" + orderBy + "' is not supported by this fake");
        };
    }

    private void metadata(Exchange x, String id) throws IOException {
        x.requireOnly("fields", "supportsAllDrives", "alt");
        FakeFile file = visibleFile(x, id);
        Mask mask = Mask.parse(x.query.getOrDefault("fields", "kind,id,name,mimeType"), false);
        x.json(200, mask.apply(toJson(file)), null);
    }

    private FakeFile visibleFile(Exchange x, String id) {
        FakeFile file = files.get(id);
        if (file == null || file.driveId != null && !"true".equals(x.query.get("supportsAllDrives"))) {
            throw new BadRequest(404, "notFound", "File not found: " + id + ".");
        }
        return file;
    }

    private void createMetadataOnly(Exchange x, Identity who) throws IOException {
        x.requireOnly("fields", "supportsAllDrives");
        x.requireJson();
        JsonObject meta = JsonParser.parseString(new String(x.body(1 << 16), StandardCharsets.UTF_8)).getAsJsonObject();
        FakeFile file = newFile(x, who, meta, null, 0);
        x.json(200, Mask.parse(x.query.getOrDefault("fields", "kind,id,name,mimeType"), false).apply(toJson(file)), "created " + file.name);
    }

    private void delete(Exchange x, String id) throws IOException {
        x.requireOnly("supportsAllDrives", "fields");
        FakeFile file = visibleFile(x, id);
        synchronized (this) {
            removeTree(file);
        }
        drain(x.ex);
        x.empty(204, "deleted " + file.name);
    }

    private void removeTree(FakeFile file) {
        files.remove(file.id);
        for (FakeFile child : List.copyOf(files.values())) {
            if (file.id.equals(child.parent)) {
                removeTree(child);
            }
        }
        if (file.content != null) {
            try {
                Files.deleteIfExists(file.content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void update(Exchange x, String id) throws IOException {
        x.requireOnly("supportsAllDrives", "fields");
        FakeFile file = visibleFile(x, id);
        x.requireJson();
        JsonObject meta = JsonParser.parseString(new String(x.body(1 << 16), StandardCharsets.UTF_8)).getAsJsonObject();
        for (String field : meta.keySet()) {
            if (!field.equals("trashed")) {
                throw new BadRequest(400, "fieldNotWritable", "the fake only updates 'trashed', not '" + field + "'");
            }
        }
        file.trashed = meta.get("trashed").getAsBoolean();
        x.json(200, Mask.parse(x.query.getOrDefault("fields", "kind,id,name,mimeType"), false).apply(toJson(file)),
                file.trashed ? "trashed " + file.name : "untrashed " + file.name);
    }

    // ------------------------------------------------------------------------------------ uploads

    private void multipart(Exchange x, Identity who) throws IOException {
        x.requireOnly("uploadType", "fields", "supportsAllDrives");
        String contentType = x.header("Content-Type");
        Matcher boundaryMatcher = contentType == null ? null : Pattern.compile("multipart/related; boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (boundaryMatcher == null || !boundaryMatcher.find()) {
            throw new BadRequest(400, "badContent", "a multipart upload needs Content-Type multipart/related with a boundary, got " + contentType);
        }
        byte[] body = x.body(64 << 20);
        List<byte[][]> parts = splitMultipart(body, boundaryMatcher.group(1));
        if (parts.size() != 2) {
            throw new BadRequest(400, "badContent", "a multipart upload has exactly two parts (metadata, media), got " + parts.size());
        }
        String metaHeaders = new String(parts.get(0)[0], StandardCharsets.UTF_8).toLowerCase();
        if (!metaHeaders.contains("content-type: application/json")) {
            throw new BadRequest(400, "badContent", "the first multipart part must be JSON metadata");
        }
        JsonObject meta = JsonParser.parseString(new String(parts.get(0)[1], StandardCharsets.UTF_8)).getAsJsonObject();
        byte[] media = parts.get(1)[1];
        String id = newId();
        Path path = storage.resolve(id);
        Files.write(path, media);
        FakeFile file = newFileWithId(x, who, meta, path, media.length, id);
        x.json(200, Mask.parse(x.query.getOrDefault("fields", "kind,id,name,mimeType"), false).apply(toJson(file)),
                "multipart " + media.length + " bytes");
    }

    private static List<byte[][]> splitMultipart(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + delimiter.length <= body.length; i++) {
            if (regionEquals(body, i, delimiter)) {
                starts.add(i);
                i += delimiter.length - 1;
            }
        }
        if (starts.isEmpty() || starts.get(0) != 0) {
            throw new BadRequest(400, "badContent", "multipart body does not start with its boundary");
        }
        int closing = starts.get(starts.size() - 1);
        if (!new String(body, closing, Math.min(body.length - closing, delimiter.length + 2), StandardCharsets.US_ASCII)
                .endsWith("--")) {
            throw new BadRequest(400, "badContent", "multipart body does not end with the closing boundary");
        }
        List<byte[][]> parts = new ArrayList<>();
        for (int p = 0; p + 1 < starts.size(); p++) {
            int from = starts.get(p) + delimiter.length + 2; // CRLF after the boundary
            int to = starts.get(p + 1) - 2; // CRLF before the next boundary
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), from);
            if (headerEnd < 0 || headerEnd > to) {
                throw new BadRequest(400, "badContent", "multipart part without headers");
            }
            byte[] headers = java.util.Arrays.copyOfRange(body, from, headerEnd);
            byte[] content = java.util.Arrays.copyOfRange(body, headerEnd + 4, to);
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(new String(headers, StandardCharsets.US_ASCII));
            if (length.find() && Long.parseLong(length.group(1)) != content.length) {
                throw new BadRequest(400, "badContent", "multipart part says Content-Length " + length.group(1) + " but holds " + content.length);
            }
            parts.add(new byte[][] {headers, content});
        }
        return parts;
    }

    private void initiateResumable(Exchange x, Identity who) throws IOException {
        x.requireOnly("uploadType", "fields", "supportsAllDrives");
        byte[] body = x.body(1 << 16);
        JsonObject meta = body.length == 0 ? new JsonObject() : JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        String parent = checkNewFile(x, who, meta, false);
        String lengthHeader = x.header("X-Upload-Content-Length");
        Long total = lengthHeader == null ? null : Long.parseLong(lengthHeader);
        String id = "session-" + newId();
        Path content = storage.resolve(id);
        Files.createFile(content);
        UploadSession session = new UploadSession(id, meta.get("name").getAsString(),
                meta.has("mimeType") ? meta.get("mimeType").getAsString() : "application/octet-stream",
                parent, files.get(parent).driveId, Map.copyOf(x.query), content, total);
        sessions.put(id, session);
        x.ex.getResponseHeaders().add("Location", rootUrl() + "upload/drive/v3/files?uploadType=resumable&upload_id=" + id);
        x.empty(200, "session " + id + (total == null ? " of unknown length" : " for " + total + " bytes"));
    }

    private void chunk(Exchange x, DropFault drop) throws IOException {
        x.requireOnly("uploadType", "upload_id");
        UploadSession session = sessions.get(x.query.get("upload_id"));
        if (session == null) {
            throw new BadRequest(404, "notFound", "no upload session " + x.query.get("upload_id"));
        }
        String range = x.header("Content-Range");
        Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
        if (m == null || !m.matches()) {
            throw new BadRequest(400, "badRequest", "a resumable upload PUT needs Content-Range 'bytes a-b/total' or 'bytes */total', got " + range);
        }
        if (x.header("Content-Encoding") != null) {
            throw new BadRequest(400, "badRequest", "the fake does not accept encoded chunks: Content-Range counts the stored bytes");
        }
        Long total = m.group(3).equals("*") ? null : Long.parseLong(m.group(3));
        synchronized (session) {
            if (total != null) {
                if (session.total != null && !session.total.equals(total)) {
                    throw new BadRequest(400, "badRequest", "Content-Range total " + total + " differs from the announced " + session.total);
                }
            } else if (session.total != null && m.group(1) != null) {
                throw new BadRequest(400, "badRequest", "Content-Range total '*' after the length " + session.total + " was known");
            }
            if (m.group(1) == null) { // status query
                if (x.contentLength() != 0) {
                    throw new BadRequest(400, "badRequest", "a status query (bytes */..) has no body");
                }
                if (session.completed != null) {
                    x.json(200, Mask.parse(session.initiationQuery.getOrDefault("fields", "kind,id,name,mimeType"), false)
                            .apply(toJson(session.completed)), "status: complete");
                    return;
                }
                if (total != null && session.total == null) {
                    session.total = total;
                }
                if (total != null && session.received == total) {
                    complete(x, session, "status query completed the upload");
                    return;
                }
                resumeIncomplete(x, session, "status: " + session.received + " bytes received");
                return;
            }
            if (session.completed != null) {
                throw new BadRequest(400, "badRequest", "the upload is already complete");
            }
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (first != session.received) {
                throw new BadRequest(400, "badRequest", "Content-Range starts at " + first + " but the session has " + session.received
                        + " bytes: chunks must continue where the server is");
            }
            if (last < first) {
                throw new BadRequest(400, "badRequest", "empty or reversed Content-Range " + range);
            }
            long length = last - first + 1;
            if (total != null && last + 1 > total) {
                throw new BadRequest(400, "badRequest", "Content-Range " + range + " reaches past the total length");
            }
            if (total != null && session.total == null) {
                session.total = total; // the last chunk of an upload of unknown length announces the total
            }
            boolean finalChunk = total != null && last + 1 == total;
            if (!finalChunk && length % CHUNK_GRANULARITY != 0) {
                throw new BadRequest(400, "badRequest", "a chunk that is not the last must be a multiple of 256 KiB, got " + length);
            }
            if (x.contentLength() >= 0 && x.contentLength() != length) {
                throw new BadRequest(400, "badRequest", "Content-Length " + x.contentLength() + " differs from Content-Range " + range);
            }
            long limit = drop == null ? length : Math.min(length, drop.afterBodyBytes());
            long copied = appendBody(x.ex.getRequestBody(), session.content, limit);
            session.received += copied;
            if (drop != null && copied < length) {
                throw new DroppedConnection("dropped after " + copied + " of " + length + " bytes; session has " + session.received);
            }
            if (copied != length || x.ex.getRequestBody().read() != -1) {
                session.received -= copied;
                truncate(session.content, session.received);
                throw new BadRequest(400, "badRequest", "the chunk body length differs from Content-Range " + range);
            }
            if (finalChunk) {
                complete(x, session, "final chunk");
            } else {
                resumeIncomplete(x, session, "chunk stored");
            }
        }
    }

    private void resumeIncomplete(Exchange x, UploadSession session, String note) throws IOException {
        if (locationOn308) {
            x.ex.getResponseHeaders().add("Location", rootUrl() + "upload/drive/v3/files?uploadType=resumable&upload_id=" + session.id);
        }
        if (session.received > 0) {
            x.ex.getResponseHeaders().add("Range", "bytes=0-" + (session.received - 1));
        }
        x.empty(308, note + "; range 0-" + (session.received - 1));
    }

    private void complete(Exchange x, UploadSession session, String note) throws IOException {
        beforeUploadCompletes.run();
        long size = Files.size(session.content);
        if (size != session.received || size != session.total) {
            throw new BadRequest(500, "backendError", "fake server bookkeeping broke: " + size + " vs " + session.received);
        }
        Instant now = now();
        String id = newId();
        Path content = storage.resolve(id);
        Files.move(session.content, content);
        FakeFile file = new FakeFile(id, session.name, session.mimeType, session.parent, session.driveId, now, now, size, content);
        synchronized (this) {
            if (!files.containsKey(session.parent)) {
                throw new BadRequest(404, "notFound", "File not found: " + session.parent + ".");
            }
            files.put(id, file);
        }
        session.completed = file;
        x.json(200, Mask.parse(session.initiationQuery.getOrDefault("fields", "kind,id,name,mimeType"), false).apply(toJson(file)),
                note + "; created " + file.name + " (" + size + " bytes)");
    }

    private static long appendBody(InputStream in, Path target, long limit) throws IOException {
        long copied = 0;
        byte[] buffer = new byte[64 * 1024];
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (copied < limit) {
                int n;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
                } catch (IOException clientWentAway) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                while (bb.hasRemaining()) {
                    channel.write(bb);
                }
                copied += n;
            }
        }
        return copied;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Checks a new file's metadata (name, one parent that is a folder, quota) and returns the parent id. */
    private String checkNewFile(Exchange x, Identity who, JsonObject meta, boolean folderAllowed) {
        for (String field : meta.keySet()) {
            if (!Set.of("name", "parents", "mimeType").contains(field)) {
                throw new BadRequest(400, "invalid", "the fake does not take the field '" + field + "' on create");
            }
        }
        if (!meta.has("name") || meta.get("name").getAsString().isEmpty()) {
            throw new BadRequest(400, "required", "the provider always names its files");
        }
        if (!meta.has("parents") || meta.getAsJsonArray("parents").size() != 1) {
            throw new BadRequest(400, "invalid", "a file must have exactly one parent");
        }
        String parent = meta.getAsJsonArray("parents").get(0).getAsString();
        FakeFile parentFile = files.get(parent);
        if (parentFile == null || parentFile.trashed || parentFile.driveId != null && !"true".equals(x.query.get("supportsAllDrives"))) {
            throw new BadRequest(404, "notFound", "File not found: " + parent + ".");
        }
        if (!parentFile.isFolder()) {
            throw new BadRequest(400, "invalidParent", "the parent " + parent + " is not a folder");
        }
        if (parentFile.readOnly) {
            throw new BadRequest(403, "insufficientFilePermissions", "The user does not have sufficient permissions for file " + parent + ".");
        }
        boolean folder = meta.has("mimeType") && FOLDER.equals(meta.get("mimeType").getAsString());
        if (folder && !folderAllowed) {
            throw new BadRequest(400, "badRequest", "folders are created without media");
        }
        if (!folder && who.serviceAccount() && parentFile.driveId == null) {
            throw new BadRequest(403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded.");
        }
        return parent;
    }

    private FakeFile newFile(Exchange x, Identity who, JsonObject meta, Path content, long size) {
        return newFileWithId(x, who, meta, content, size, newId());
    }

    private FakeFile newFileWithId(Exchange x, Identity who, JsonObject meta, Path content, long size, String id) {
        String parent = checkNewFile(x, who, meta, content == null);
        String mimeType = meta.has("mimeType") ? meta.get("mimeType").getAsString() : "application/octet-stream";
        Instant now = now();
        Path stored = content;
        if (stored == null && !FOLDER.equals(mimeType)) {
            try {
                stored = Files.createFile(storage.resolve(id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        FakeFile file = new FakeFile(id, meta.get("name").getAsString(), mimeType, parent, files.get(parent).driveId, now, now, size, stored);
        files.put(id, file);
        return file;
    }

    // ------------------------------------------------------------------------------------ downloads

    private void media(Exchange x, String id, DropResponseFault drop) throws IOException {
        x.requireOnly("alt", "supportsAllDrives", "fields", "acknowledgeAbuse");
        FakeFile file = visibleFile(x, id);
        if (file.isFolder()) {
            throw new BadRequest(403, "fileNotDownloadable", "Only files with binary content can be downloaded.");
        }
        long size = file.size;
        long first = 0;
        long last = size - 1;
        int status = 200;
        String range = x.header("Range");
        if (range != null) {
            Matcher m = Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
            if (!m.matches()) {
                throw new BadRequest(400, "badRequest", "unsupported Range header " + range);
            }
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            if (first >= size || last < first) {
                x.ex.getResponseHeaders().add("Content-Range", "bytes */" + size);
                throw new BadRequest(416, "requestedRangeNotSatisfiable", "Request range not satisfiable");
            }
            status = 206;
            x.ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + size);
        }
        long length = last - first + 1;
        x.ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        x.log(status, "media " + (range == null ? "whole" : range) + (drop != null ? " (dropped after " + drop.afterBytes() + ")" : ""));
        x.ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length == 0) {
            x.ex.close();
            return;
        }
        long limit = drop == null ? length : Math.min(length, drop.afterBytes());
        try (FileChannel channel = FileChannel.open(file.content, StandardOpenOption.READ)) {
            OutputStream out = x.ex.getResponseBody();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long position = first;
            long sent = 0;
            while (sent < limit) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), limit - sent));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                out.write(buffer.array(), 0, n);
                position += n;
                sent += n;
            }
            out.flush();
        }
        if (drop != null && limit < length) {
            throw new DroppedConnection("download dropped");
        }
        x.ex.close();
    }

    // ------------------------------------------------------------------------------------ JSON, ids, time

    private JsonObject toJson(FakeFile f) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "drive#file");
        o.addProperty("id", f.id);
        o.addProperty("name", f.name);
        o.addProperty("mimeType", f.mimeType);
        JsonArray parents = new JsonArray();
        if (f.parent != null) {
            parents.add(f.parent);
        }
        o.add("parents", parents);
        if (!f.isFolder()) {
            o.addProperty("size", Long.toString(f.size)); // Drive sends int64 as a string
        }
        o.addProperty("modifiedTime", f.modifiedTime.toString());
        o.addProperty("createdTime", f.createdTime.toString());
        o.addProperty("trashed", f.trashed);
        JsonObject capabilities = new JsonObject();
        capabilities.addProperty("canAddChildren", f.isFolder() && !f.readOnly);
        o.add("capabilities", capabilities);
        if (f.driveId != null) {
            o.addProperty("driveId", f.driveId);
        }
        return o;
    }

    private String newId() {
        // Drive ids are opaque; these are unique and do not sort by creation time.
        long n = ids.incrementAndGet();
        return "1" + Long.toString((n * 0x9E3779B97F4A7C15L) >>> 8, 36) + "x" + n;
    }

    private synchronized Instant now() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (!now.isAfter(lastTime)) {
            now = lastTime.plusMillis(1);
        }
        lastTime = now;
        return now;
    }

    private static int parseInt(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "invalid", "Invalid value for " + name + ": " + value);
        }
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> map = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (map.put(name, value) != null) {
                throw new BadRequest(400, "invalid", "parameter " + name + " given twice");
            }
        }
        return map;
    }

    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client is gone; nothing to answer
        }
    }

    private static boolean regionEquals(byte[] data, int at, byte[] pattern) {
        for (int j = 0; j < pattern.length; j++) {
            if (data[at + j] != pattern[j]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        for (int i = from; i + pattern.length <= data.length; i++) {
            if (regionEquals(data, i, pattern)) {
                return i;
            }
        }
        return -1;
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String reason;

        BadRequest(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    private static final class DroppedConnection extends IOException {
        private static final long serialVersionUID = 1L;

        DroppedConnection(String message) {
            super(message);
        }
    }

    /** One exchange with its parsed query and logging. */
    private final class Exchange {
        final HttpExchange ex;
        final Map<String, String> query;
        private long bodyBytes = -1;
        private boolean logged;

        Exchange(HttpExchange ex) {
            this.ex = ex;
            this.query = parseQuery(ex.getRequestURI().getRawQuery());
        }

        String header(String name) {
            return ex.getRequestHeaders().getFirst(name);
        }

        long contentLength() {
            String value = header("Content-Length");
            return value == null ? -1 : Long.parseLong(value);
        }

        void requireOnly(String... allowed) {
            Set<String> known = new HashSet<>(List.of(allowed));
            known.add("prettyPrint");
            for (String name : query.keySet()) {
                if (!known.contains(name)) {
                    throw new BadRequest(400, "invalidParameter", "unexpected query parameter '" + name + "'");
                }
            }
        }

        void requireJson() {
            String type = header("Content-Type");
            if (type == null || !type.startsWith("application/json")) {
                throw new BadRequest(400, "badContent", "metadata must be sent as application/json, got " + type);
            }
        }

        byte[] body(int max) throws IOException {
            InputStream in = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(header("Content-Encoding"))) {
                in = new GZIPInputStream(in); // Drive accepts gzip bodies; the log shows they were used
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > max) {
                    throw new BadRequest(413, "uploadTooLarge", "request body larger than " + max + " bytes");
                }
            }
            bodyBytes = out.size();
            return out.toByteArray();
        }

        void json(int status, JsonElement body, String note) throws IOException {
            byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
            log(status, note);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }

        void empty(int status, String note) throws IOException {
            log(status, note);
            ex.sendResponseHeaders(status, -1);
            ex.close();
        }

        void error(int status, String reason, String message) throws IOException {
            JsonObject error = new JsonObject();
            JsonObject inner = new JsonObject();
            JsonArray errors = new JsonArray();
            JsonObject first = new JsonObject();
            first.addProperty("domain", status == 429 || reason.endsWith("RateLimitExceeded") || reason.equals("rateLimitExceeded") ? "usageLimits" : "global");
            first.addProperty("reason", reason);
            first.addProperty("message", message);
            errors.add(first);
            inner.add("errors", errors);
            inner.addProperty("code", status);
            inner.addProperty("message", message);
            error.add("error", inner);
            json(status, error, reason + ": " + message);
        }

        void oauthError(int status, String error, String description) throws IOException {
            JsonObject body = new JsonObject();
            body.addProperty("error", error);
            body.addProperty("error_description", description);
            json(status, body, error);
        }

        void logDropped(String note) {
            log(-1, note);
        }

        void log(int status, String note) {
            if (logged) {
                return;
            }
            logged = true;
            Headers h = ex.getRequestHeaders();
            log.add(new LoggedRequest(effectiveMethod(ex), ex.getRequestURI().getPath(), query, h.getFirst("Content-Range"),
                    h.getFirst("Range"), h.getFirst("Content-Encoding"), h.getFirst("Content-Type"),
                    bodyBytes >= 0 ? bodyBytes : contentLength(), status, note == null ? "" : note));
        }
    }

    /** The field masks Drive takes in {@code fields}: {@code a,b,files(c,d)}, or {@code *}. */
    private static final class Mask {
        final Map<String, Mask> fields;

        private Mask(Map<String, Mask> fields) {
            this.fields = fields;
        }

        static Mask parse(String text, boolean forList) {
            int[] pos = {0};
            Mask mask = parseList(text, pos, forList ? "list" : "file");
            if (pos[0] != text.length()) {
                throw new BadRequest(400, "invalidParameter", "Invalid field selection " + text);
            }
            return mask;
        }

        private static Mask parseList(String text, int[] pos, String context) {
            Map<String, Mask> fields = new LinkedHashMap<>();
            while (pos[0] < text.length() && text.charAt(pos[0]) != ')') {
                int start = pos[0];
                while (pos[0] < text.length() && ",()".indexOf(text.charAt(pos[0])) < 0) {
                    pos[0]++;
                }
                String name = text.substring(start, pos[0]).trim();
                Set<String> allowed = switch (context) {
                    case "list" -> Set.of("kind", "nextPageToken", "incompleteSearch", "files", "*");
                    case "capabilities" -> Set.of("canAddChildren", "*");
                    default -> allowedFileFields();
                };
                if (!allowed.contains(name)) {
                    throw new BadRequest(400, "invalidParameter", "Invalid field selection " + name);
                }
                Mask sub = null;
                if (pos[0] < text.length() && text.charAt(pos[0]) == '(') {
                    pos[0]++;
                    sub = parseList(text, pos, name.equals("capabilities") ? "capabilities" : "file");
                    if (pos[0] >= text.length() || text.charAt(pos[0]) != ')') {
                        throw new BadRequest(400, "invalidParameter", "Invalid field selection: unbalanced parentheses");
                    }
                    pos[0]++;
                }
                fields.put(name, sub);
                if (pos[0] < text.length() && text.charAt(pos[0]) == ',') {
                    pos[0]++;
                }
            }
            return new Mask(fields);
        }

        private static Set<String> allowedFileFields() {
            Set<String> s = new HashSet<>(FILE_FIELDS);
            s.add("*");
            return s;
        }

        JsonElement apply(JsonElement element) {
            if (!element.isJsonObject() || fields.containsKey("*")) {
                return element;
            }
            JsonObject in = element.getAsJsonObject();
            JsonObject out = new JsonObject();
            for (Map.Entry<String, Mask> field : fields.entrySet()) {
                JsonElement value = in.get(field.getKey());
                if (value == null) {
                    continue;
                }
                if (field.getValue() != null && value.isJsonArray()) {
                    JsonArray filtered = new JsonArray();
                    value.getAsJsonArray().forEach(v -> filtered.add(field.getValue().apply(v)));
                    value = filtered;
                } else if (field.getValue() != null) {
                    value = field.getValue().apply(value);
                }
                out.add(field.getKey(), value);
            }
            return out;
        }
    }

    /**
     * The Drive query language, as far as the provider uses it: terms joined by {@code and}, each one of
     * {@code '<id>' in parents}, {@code name = '<v>'}, {@code mimeType = / != '<v>'}, {@code trashed = true/false}.
     * Anything else is refused, like a real server refuses a malformed query.
     */
    static final class QueryParser {
        private final String text;
        private final boolean namesIgnoreCase;
        private int pos;

        private QueryParser(String text, boolean namesIgnoreCase) {
            this.text = text;
            this.namesIgnoreCase = namesIgnoreCase;
        }

        static Predicate<FakeFile> parse(String q, boolean namesIgnoreCase) {
            if (q.isBlank()) {
                return f -> true;
            }
            QueryParser parser = new QueryParser(q, namesIgnoreCase);
            Predicate<FakeFile> all = parser.term();
            while (parser.skipSpaces() && parser.pos < q.length()) {
                String word = parser.word();
                if (!word.equals("and")) {
                    throw new BadRequest(400, "invalid", "Invalid Value: q (the fake knows only 'and', got '" + word + "')");
                }
                all = all.and(parser.term());
            }
            return all;
        }

        private Predicate<FakeFile> term() {
            skipSpaces();
            if (peek() == '\'') {
                String id = literal();
                expectWord("in");
                expectWord("parents");
                return f -> id.equals(f.parent);
            }
            String field = word();
            skipSpaces();
            String op = operator();
            skipSpaces();
            switch (field) {
                case "name" -> {
                    if (!op.equals("=")) {
                        throw invalid("name supports only =");
                    }
                    String value = literal();
                    return namesIgnoreCase ? f -> f.name.equalsIgnoreCase(value) : f -> f.name.equals(value);
                }
                case "mimeType" -> {
                    String value = literal();
                    return op.equals("=") ? f -> f.mimeType.equals(value) : f -> !f.mimeType.equals(value);
                }
                case "trashed" -> {
                    String value = word();
                    if (!value.equals("true") && !value.equals("false")) {
                        throw invalid("trashed takes true or false");
                    }
                    boolean wanted = Boolean.parseBoolean(value);
                    return op.equals("=") ? f -> f.trashed == wanted : f -> f.trashed != wanted;
                }
                default -> throw invalid("unknown query field '" + field + "'");
            }
        }

        private String operator() {
            if (text.startsWith("!=", pos)) {
                pos += 2;
                return "!=";
            }
            if (text.startsWith("=", pos)) {
                pos += 1;
                return "=";
            }
            throw invalid("expected = or != at " + pos);
        }

        private String literal() {
            if (peek() != '\'') {
                throw invalid("expected a quoted string at " + pos);
            }
            pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '\\') {
                    if (pos >= text.length()) {
                        throw invalid("dangling escape");
                    }
                    char escaped = text.charAt(pos++);
                    if (escaped != '\'' && escaped != '\\') {
                        throw invalid("only \\' and \\\\ are escapes");
                    }
                    sb.append(escaped);
                } else if (c == '\'') {
                    return sb.toString();
                } else {
                    sb.append(c);
                }
            }
            throw invalid("unterminated string");
        }

        private String word() {
            skipSpaces();
            int start = pos;
            while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw invalid("expected a word at " + pos);
            }
            return text.substring(start, pos);
        }

        private void expectWord(String expected) {
            String w = word();
            if (!w.equals(expected)) {
                throw invalid("expected '" + expected + "', got '" + w + "'");
            }
        }

        private boolean skipSpaces() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
            return true;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private BadRequest invalid(String why) {
            return new BadRequest(400, "invalid", "Invalid Value: q (" + why + ")");
        }
    }

    /** For assertions: the logged requests that match. */
    List<LoggedRequest> requests(Predicate<LoggedRequest> filter) {
        return requests().stream().filter(filter).toList();
    }

    /** For assertions: how many files named {@code name} (not trashed) are directly in {@code parent}. */
    long countNamed(String parent, String name) {
        return children(parent).stream().filter(f -> f.name.equals(name) && !f.isFolder()).count();
    }

    Map<String, Long> folderNameCounts(String parent) {
        Map<String, Long> counts = new HashMap<>();
        for (Iterator<FakeFile> it = children(parent).iterator(); it.hasNext(); ) {
            FakeFile f = it.next();
            if (f.isFolder()) {
                counts.merge(f.name, 1L, Long::sum);
            }
        }
        return counts;
    }
}
