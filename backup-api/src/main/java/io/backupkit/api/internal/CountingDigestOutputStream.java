package io.backupkit.api.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes bytes through while counting them and computing their SHA-256 (lower-case hex, the form the manifest
 * records): what the engine's backup writer and the test kit's directory dumper both measure of an object.
 *
 * <p>Implementation, not API (see {@link Require}): public only so that the modules share it.
 */
public class CountingDigestOutputStream extends FilterOutputStream {
    private final MessageDigest digest = newSha256();
    private long count;

    public CountingDigestOutputStream(OutputStream out) {
        super(out);
    }

    /** A fresh SHA-256 digest; every JDK has one. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        count += len;
    }

    /** The bytes written so far. */
    public final long count() {
        return count;
    }

    /** The hex SHA-256 of everything written; call once, after the last write. */
    public final String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
