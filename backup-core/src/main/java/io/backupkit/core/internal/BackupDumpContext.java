package io.backupkit.core.internal;

import io.backupkit.api.Compression;
import io.backupkit.api.Manifest;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpContext;
import java.io.OutputStream;
import javax.sql.DataSource;

/** What a dumper gets for one backup: its database, its tables, and objects of the backup being written. */
final class BackupDumpContext extends ReportingContext implements DumpContext {
    private final DataSource dataSource;
    private final TableSelection tables;
    private final Compression compression;
    private final BackupWriter writer;

    BackupDumpContext(EngineContext context, OperationScope scope, DataSource dataSource, TableSelection tables,
                    Compression compression, BackupWriter writer) {
        super(context, scope);
        this.dataSource = dataSource;
        this.tables = tables;
        this.compression = compression;
        this.writer = writer;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public TableSelection tables() {
        return tables;
    }

    @Override
    public OutputStream createObject(String name, Manifest.ObjectKind kind) {
        return writer.create(objectPath(name), kind, compression);
    }

    @Override
    public String objectPath(String name) {
        return "db/" + compression.appendExtension(name);
    }
}
