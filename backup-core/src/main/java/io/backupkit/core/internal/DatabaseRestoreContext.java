package io.backupkit.core.internal;

import io.backupkit.api.Manifest;
import io.backupkit.api.MergeConflictPolicy;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.TableSelection;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.api.spi.WriteFence;
import java.io.InputStream;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * What a dumper gets for one database restore: the target, the backup's database part and its verified objects,
 * where to record its own way back after a crash, and the write fence it obtained for the restore (if any).
 */
final class DatabaseRestoreContext extends ReportingContext implements RestoreContext {
    /** How the restore is to be done: the request's choices, or a rollback's (REPLACE, every table, no mapping). */
    record Settings(RestoreMode mode, MergeConflictPolicy mergeConflicts, TableSelection tables,
                    Map<String, String> schemaMapping) {
    }

    private final EngineContext context;
    private final Manifest source;
    private final DataSource target;
    private final Settings settings;
    private final BiConsumer<String, String> recoveryData;
    private final WriteFence fence;
    private final SafetyAfterSwap safety;

    /**
     * @param fence  the write fence the restore holds until its commit, or {@link WriteFence#NONE}
     * @param safety the safety backup the dumper takes after its swap, or {@link SafetyAfterSwap#NONE}
     */
    DatabaseRestoreContext(EngineContext context, OperationScope scope, Manifest source, DataSource target,
                       Settings settings, BiConsumer<String, String> recoveryData, WriteFence fence,
                       SafetyAfterSwap safety) {
        super(context, scope);
        this.fence = fence;
        this.context = context;
        this.source = source;
        this.target = target;
        this.settings = settings;
        this.recoveryData = recoveryData;
        this.safety = safety;
    }

    @Override
    public DataSource dataSource() {
        return target;
    }

    @Override
    public Manifest.DatabasePart database() {
        return source.database().orElseThrow();
    }

    @Override
    public RestoreMode mode() {
        return settings.mode();
    }

    @Override
    public MergeConflictPolicy mergeConflicts() {
        return settings.mergeConflicts();
    }

    @Override
    public TableSelection tables() {
        return settings.tables();
    }

    @Override
    public Map<String, String> schemaMapping() {
        return settings.schemaMapping();
    }

    @Override
    public InputStream openObject(String path) {
        return VerifiedObjectStream.open(context.storage, source, path);
    }

    @Override
    public long objectSize(String path) {
        return source.object(path).map(Manifest.StoredObject::size).orElse(-1L);
    }

    @Override
    public WriteFence writeFence() {
        return fence;
    }

    @Override
    public void recordRecoveryData(String key, String value) {
        recoveryData.accept(key, value);
    }

    @Override
    public boolean takeSafetyBackup(Function<DumpContext, DumpSummary> dump) {
        return safety.take(dump);
    }
}
