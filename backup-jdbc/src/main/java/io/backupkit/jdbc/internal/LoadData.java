package io.backupkit.jdbc.internal;

import io.backupkit.api.RestoreException;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.internal.SchemaModel.Column;
import io.backupkit.jdbc.internal.SchemaModel.Table;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.Writer;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MariaDB/MySQL {@code LOAD DATA LOCAL INFILE} fed from a row file through a pipe: a producer thread turns rows into
 * tab-separated text (binary values as hex, unhexed by the server; BIT values as numbers), the driver streams it to
 * the server. Because LOCAL turns errors into warnings and skips duplicate keys, the loaded row count and the
 * warnings are checked afterwards: any difference is a {@link RestoreException}.
 */
public final class LoadData {
    private LoadData() {
    }

    /** The driver's {@code setLocalInfileInputStream(InputStream)} (MariaDB and Connector/J), or null. */
    public static Method streamSetter(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.getClass().getMethod("setLocalInfileInputStream", InputStream.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    public static long load(Dialect dialect, Connection c, Table target, String targetName, InputStream in,
                            RestoreContext ctx) throws SQLException, IOException {
        RowReader reader = new RowReader(in);
        List<String> names = reader.columnNames();
        List<ValueType> types = reader.columnTypes();
        List<String> fields = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Column col = target.column(name).orElseThrow(() -> new RestoreException("table " + targetName
                    + " has no column " + name + " that the backup has"));
            String nativeType = col.nativeType().toLowerCase(Locale.ROOT);
            if (types.get(i) == ValueType.BYTES) {
                fields.add("@v" + i);
                sets.add(dialect.quote(name) + " = UNHEX(@v" + i + ")");
            } else if (nativeType.startsWith("bit")) {
                fields.add("@v" + i);
                sets.add(dialect.quote(name) + " = CAST(@v" + i + " AS UNSIGNED)");
            } else {
                fields.add(dialect.quote(name));
            }
        }
        String sql = "LOAD DATA LOCAL INFILE 'backupkit-rows.tsv' INTO TABLE " + dialect.qualify(target)
                + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ("
                + String.join(", ", fields) + ")" + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
        PipedInputStream pipeIn = new PipedInputStream(1 << 16);
        PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        long[] produced = {0};
        Thread producer = new Thread(() -> {
            Object[] values = new Object[names.size()];
            try (Writer w = new BufferedWriter(new OutputStreamWriter(pipeOut, StandardCharsets.UTF_8), 1 << 16)) {
                while (reader.next(values)) {
                    for (int i = 0; i < values.length; i++) {
                        if (i > 0) {
                            w.write('\t');
                        }
                        writeField(w, values[i]);
                    }
                    w.write('\n');
                    if (++produced[0] % 10_000 == 0) {
                        ctx.addRows(10_000);
                        ctx.checkCancelled();
                    }
                }
            } catch (Throwable t) {
                producerFailure.set(t);
            }
        }, "backupkit-load-data");
        long loaded;
        try (Statement st = c.createStatement()) {
            streamSetter(c).invoke(st, pipeIn);
            producer.start();
            loaded = st.executeLargeUpdate(sql);
            checkWarnings(st, targetName, produced[0]);
        } catch (SQLException e) {
            throw new RestoreException("restoring table " + targetName + " with LOAD DATA failed: " + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new RestoreException("the JDBC driver refused the LOAD DATA input stream for table " + targetName, e);
        } finally {
            pipeIn.close(); // unblocks the producer if the server stopped reading
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable failure = producerFailure.get();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw new RestoreException("preparing the rows of table " + targetName + " failed: " + failure, failure);
        }
        ctx.addRows(produced[0] % 10_000);
        if (loaded != produced[0]) {
            throw new RestoreException("LOAD DATA loaded " + loaded + " of " + produced[0] + " rows into table " + targetName
                    + " (duplicate keys are skipped silently with LOCAL)");
        }
        return produced[0];
    }

    private static void checkWarnings(Statement st, String targetName, long rows) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SHOW WARNINGS LIMIT 5")) {
            while (rs.next()) {
                if (!"Note".equalsIgnoreCase(rs.getString(1))) {
                    problems.add(rs.getString(3));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new RestoreException("restoring table " + targetName + " with LOAD DATA failed in rows 1 to " + rows
                    + " (the server names the value): " + String.join("; ", problems));
        }
    }

    private static void writeField(Writer w, Object v) throws IOException {
        if (v == null) {
            w.write("\\N");
        } else if (v instanceof byte[] b) {
            w.write(HexFormat.of().formatHex(b));
        } else if (v instanceof BigDecimal d) {
            w.write(d.toPlainString());
        } else if (v instanceof Boolean b) {
            w.write(b ? "1" : "0");
        } else {
            String s = v.toString();
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '\\' -> w.write("\\\\");
                    case '\t' -> w.write("\\t");
                    case '\n' -> w.write("\\n");
                    case '\r' -> w.write("\\r");
                    case '\0' -> w.write("\\0");
                    default -> w.write(ch);
                }
            }
        }
    }
}
