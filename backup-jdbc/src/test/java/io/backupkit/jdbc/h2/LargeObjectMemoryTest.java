package io.backupkit.jdbc.h2;

import io.backupkit.testkit.db.DirectoryBackup;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.testkit.db.TestSql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six 50 MB blobs (300 MB, more than the heap) back up and restore in a JVM with {@code -Xmx256m}: rows stream,
 * large objects are read through {@code getBlob} with their length and written length-prefixed, never a table held
 * in memory. Runs in the {@code memory-bound} surefire execution, where the heap limit is real.
 */
@Tag("memory-bound")
class LargeObjectMemoryTest {
    private static final int BLOB_BYTES = 50 * 1024 * 1024;
    private static final int ROWS = 6;

    @TempDir
    Path tempDir;

    @Test
    void fiftyMegabyteBlobsRoundTripInABoundedHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx256m (memory-bound execution)")
                .isLessThan(ROWS * (long) BLOB_BYTES);
        DataSource src = h2("src");
        TestSql.execute(src, List.of("CREATE TABLE media (id INT PRIMARY KEY, name VARCHAR(20), content BLOB)"));
        try (Connection c = src.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO media VALUES (?, ?, ?)")) {
            for (int i = 0; i < ROWS; i++) {
                ps.setInt(1, i);
                ps.setString(2, "file " + i);
                ps.setBinaryStream(3, new PatternStream(BLOB_BYTES, i), BLOB_BYTES);
                ps.executeUpdate();
            }
            ps.setInt(1, ROWS);
            ps.setString(2, "empty");
            ps.setBytes(3, new byte[0]);
            ps.executeUpdate();
        }
        H2Dumper dumper = new H2Dumper();
        DirectoryBackup backup = new DirectoryBackup(tempDir.resolve("backup"));
        DumpSummary summary = backup.dump(dumper, src, TableSelection.ALL, 1);
        assertThat(summary.tables().get(0).rows()).isEqualTo(ROWS + 1);

        DataSource dst = h2("dst");
        backup.restore(dumper, dst, RestoreMode.REPLACE);
        assertThat(hashes(dst)).isEqualTo(hashes(src)).hasSize(ROWS + 1);
    }

    private DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        // H2 runs inside this JVM: its page cache (64 MB per database by default) shares the bounded heap with the
        // dumper, which a database server would not. Keep it small so the heap measures the dumper.
        ds.setURL("jdbc:h2:file:" + tempDir.resolve(name).toAbsolutePath() + ";DB_CLOSE_DELAY=-1;CACHE_SIZE=8192");
        return ds;
    }

    /** id, name, length and SHA-256 of every blob, read as streams. */
    private static List<String> hashes(DataSource ds) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, content FROM media ORDER BY id")) {
            while (rs.next()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long length = 0;
                try (InputStream in = rs.getBinaryStream(3)) {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        sha.update(buf, 0, n);
                        length += n;
                    }
                }
                out.add(rs.getInt(1) + " " + rs.getString(2) + " " + length + " " + HexFormat.of().formatHex(sha.digest()));
            }
        }
        return out;
    }

    /** Deterministic, non-repeating-looking bytes without holding them. */
    private static final class PatternStream extends InputStream {
        private final long length;
        private long position;
        private long state;

        PatternStream(long length, long seed) {
            this.length = length;
            this.state = seed * 0x9E3779B97F4A7C15L + 1;
        }

        @Override
        public int read() {
            if (position >= length) {
                return -1;
            }
            position++;
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            return (int) (state & 0xff);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }
}
