package example;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupInfo;
import io.backupkit.api.BackupQuery;
import io.backupkit.api.BackupResult;
import io.backupkit.api.BackupType;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.BackupKit;
import java.nio.file.Path;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Backs up a PostgreSQL database (and, if given, a media folder) into a local folder, verifies the backup and,
 * with {@code --restore}, restores the newest database backup into the same database.
 *
 * <pre>
 * PGHOST=localhost PGPORT=5432 PGDATABASE=app PGUSER=app PGPASSWORD=... \
 *     mvn -q compile exec:java -Dexec.args="./backups ./media"
 * mvn -q compile exec:java -Dexec.args="./backups --restore"
 * </pre>
 */
public final class PostgresBackup {
    private PostgresBackup() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: PostgresBackup BACKUP-FOLDER [MEDIA-FOLDER | --restore]");
            System.exit(2);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();       // in an application: its pooled DataSource
        dataSource.setServerNames(new String[] {env("PGHOST", "localhost")});
        dataSource.setPortNumbers(new int[] {Integer.parseInt(env("PGPORT", "5432"))});
        dataSource.setDatabaseName(env("PGDATABASE", "postgres"));
        dataSource.setUser(env("PGUSER", "postgres"));
        dataSource.setPassword(System.getenv("PGPASSWORD"));           // never on the command line

        boolean restore = args.length > 1 && args[1].equals("--restore");
        BackupKit.Builder builder = BackupKit.builder().storage("file:" + Path.of(args[0]).toAbsolutePath())
                .dataSource(dataSource);
        if (args.length > 1 && !restore) {
            builder.files(Path.of(args[1]));
        }
        try (BackupEngine engine = builder.build()) {
            if (restore) {
                BackupInfo newest = engine.list(BackupQuery.all().withType(BackupType.DATABASE).withLimit(1))
                        .stream().findFirst()
                        .orElseThrow(() -> new IllegalStateException("no database backup in " + args[0]));
                engine.restore(RestoreRequest.builder(newest.id()).databaseOnly().build());
                System.out.println("restored " + newest.id());
                return;
            }
            BackupResult backup = engine.backup(args.length > 1 ? BackupType.FULL : BackupType.DATABASE);
            VerifyReport report = engine.verify(backup.id());
            System.out.println("backup " + backup.id() + ": " + backup.manifest().database().orElseThrow().tables().size()
                    + " tables, " + backup.manifest().storedBytes() + " bytes stored, " + (report.ok() ? "verified" : "DAMAGED"));
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
