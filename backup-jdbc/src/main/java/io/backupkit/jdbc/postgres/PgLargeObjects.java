package io.backupkit.jdbc.postgres;

import io.backupkit.jdbc.internal.SchemaModel;
import io.backupkit.api.IntegrityException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * PostgreSQL large objects ({@code pg_largeobject}), streamed both ways in 256 KiB pieces whatever their size, as
 * one data object: per large object its OID (8 bytes), its length (8 bytes) and its bytes. Owners, grants and
 * comments are {@link SchemaModel.DbObject}s restored after them. Restore keeps each OID (columns of type
 * {@code oid} refer to them) and replaces a large object of the same OID in the target.
 */
final class PgLargeObjects {
    /** Object name of the large objects' data. */
    public static final String OBJECT = "large-objects.lo";
    /** Manifest metadata key: the large objects' data object path. */
    public static final String META_OBJECT = "largeObjects";
    /** Manifest metadata key: how many large objects the backup holds. */
    public static final String META_COUNT = "largeObjectCount";
    private static final int CHUNK = 256 * 1024;

    private PgLargeObjects() {
    }

    /** The OIDs of the database's large objects, in order. */
    public static List<Long> list(Connection c) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT oid FROM pg_largeobject_metadata ORDER BY oid")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** Writes the large objects (read in the connection's snapshot transaction) to {@code out}. */
    public static void dump(Connection c, List<Long> oids, OutputStream out, Runnable checkCancelled)
            throws SQLException, IOException {
        LargeObjectManager lom = c.unwrap(PGConnection.class).getLargeObjectAPI();
        DataOutputStream data = new DataOutputStream(out);
        byte[] buf = new byte[CHUNK];
        for (long oid : oids) {
            checkCancelled.run();
            LargeObject lo = lom.open(oid, LargeObjectManager.READ);
            try {
                long size = lo.size64();
                data.writeLong(oid);
                data.writeLong(size);
                long left = size;
                while (left > 0) {
                    int n = lo.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n <= 0) {
                        throw new IOException("large object " + oid + " ended " + left + " bytes early");
                    }
                    data.write(buf, 0, n);
                    left -= n;
                }
            } finally {
                lo.close();
            }
        }
        data.flush();
    }

    /**
     * Creates every large object of the stream with its OID, replacing one of the same OID, inside the caller's
     * transaction.
     *
     * @return how many were restored
     */
    public static long restore(Connection c, InputStream in, Runnable checkCancelled) throws SQLException, IOException {
        LargeObjectManager lom = c.unwrap(PGConnection.class).getLargeObjectAPI();
        DataInputStream data = new DataInputStream(in);
        byte[] buf = new byte[CHUNK];
        long count = 0;
        try (PreparedStatement unlink = c.prepareStatement("SELECT lo_unlink(oid) FROM pg_largeobject_metadata"
                + " WHERE oid = ?"); PreparedStatement create = c.prepareStatement("SELECT lo_create(?)")) {
            while (true) {
                long oid;
                try {
                    oid = data.readLong();
                } catch (EOFException end) {
                    break;
                }
                long size = data.readLong();
                checkCancelled.run();
                unlink.setLong(1, oid);
                unlink.execute();
                create.setLong(1, oid);
                create.execute();
                LargeObject lo = lom.open(oid, LargeObjectManager.WRITE);
                try {
                    long left = size;
                    while (left > 0) {
                        int n = data.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IntegrityException("the backup's large object " + oid + " is " + left
                                    + " bytes shorter than recorded");
                        }
                        lo.write(buf, 0, n);
                        left -= n;
                    }
                } finally {
                    lo.close();
                }
                count++;
            }
        }
        return count;
    }
}
