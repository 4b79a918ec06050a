package io.backupkit.api.spi;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a storage URI may be shown in messages and logs: without any credential. A URI such as
 * {@code file://user:secret@host/x} or {@code s3://key:secret@bucket} is shown as {@code file://***@host/x}; every
 * provider and the engine use this whenever a URI goes into an exception, a log line or a report.
 */
public final class StorageUris {
    /** A user-info part {@code scheme://user[:password]@}, also in text that is not a valid URI. */
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?#\\s]*@");

    private StorageUris() {
    }

    /** The URI as text with its user-info part (user and password) replaced by {@code ***}. */
    public static String redacted(URI uri) {
        Objects.requireNonNull(uri, "uri");
        return redacted(uri.toString());
    }

    /** The same for URI text that may not even parse as a URI (what a user typed). */
    public static String redacted(String uriText) {
        Objects.requireNonNull(uriText, "uriText");
        return USER_INFO.matcher(uriText).replaceAll("$1***@");
    }
}
