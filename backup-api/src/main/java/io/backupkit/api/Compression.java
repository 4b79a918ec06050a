package io.backupkit.api;

import java.util.Objects;

/**
 * How stored objects are compressed. zstd level 3 is the default: it compresses about as well as gzip -6
 * at several times the speed. Levels: zstd 1-19 (higher = smaller, slower), gzip 1-9, none 0.
 */
public record Compression(Codec codec, int level) {

    /** The compression formats BackupKit writes and reads. */
    public enum Codec {
        ZSTD("zst"), GZIP("gz"), NONE("");

        private final String extension;

        Codec(String extension) {
            this.extension = extension;
        }

        /** File name extension without the dot, empty for {@link #NONE}. */
        public String extension() {
            return extension;
        }
    }

    public static final Compression DEFAULT = new Compression(Codec.ZSTD, 3);
    public static final Compression NONE = new Compression(Codec.NONE, 0);

    public Compression {
        Objects.requireNonNull(codec, "codec");
        switch (codec) {
            case ZSTD -> check(level, 1, 19, codec);
            case GZIP -> check(level, 1, 9, codec);
            case NONE -> check(level, 0, 0, codec);
        }
    }

    public static Compression zstd(int level) {
        return new Compression(Codec.ZSTD, level);
    }

    public static Compression gzip(int level) {
        return new Compression(Codec.GZIP, level);
    }

    /** Appends this codec's extension to a file name, e.g. {@code files.tar} -> {@code files.tar.zst}. */
    public String appendExtension(String name) {
        return codec == Codec.NONE ? name : name + "." + codec.extension();
    }

    private static void check(int level, int min, int max, Codec codec) {
        if (level < min || level > max) {
            throw new IllegalArgumentException("compression level " + level + " is out of range for "
                    + codec + ": use " + min + (min == max ? "" : " to " + max));
        }
    }
}
