package io.backupkit.core.internal;

import io.backupkit.api.internal.CountingDigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-256 digests as lower-case hex, the form the manifest records. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        return CountingDigestOutputStream.newSha256();
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String of(byte[] bytes) {
        MessageDigest d = newDigest();
        d.update(bytes);
        return hex(d);
    }
}
