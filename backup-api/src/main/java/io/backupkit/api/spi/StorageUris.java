package io.backupkit.api.spi;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How a storage URI may be shown in messages and logs: without any credential. A URI such as
 * {@code file://user:secret@host/x} or {@code s3://key:secret@bucket} is shown as {@code file://***@host/x}; every
 * provider and the engine use this whenever a URI goes into an exception, a log line or a report. Also how a
 * provider factory reads the {@code ?name=value&...} settings of its URI.
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

    /**
     * The query parameters of a storage URI, percent-decoded, in the order given: {@code a=1&b} gives {@code a=1, b=}
     * (a name without {@code =} has the empty value; empty pairs are skipped). A name given twice is refused with
     * {@code repeated.apply(name)}; {@code check} sees every pair and throws for one the provider factory refuses
     * (an unknown name, a secret, an empty value).
     */
    public static Map<String, String> queryParameters(URI uri, BiConsumer<String, String> check,
                                                      Function<String, ? extends RuntimeException> repeated) {
        Objects.requireNonNull(uri, "uri");
        String query = uri.getRawQuery();
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (parameters.put(name, value) != null) {
                throw repeated.apply(name);
            }
            check.accept(name, value);
        }
        return parameters;
    }
}
