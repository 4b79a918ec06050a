package io.backupkit.spring.boot;

import io.backupkit.api.RestoreResult;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.DumpContext;
import io.backupkit.api.spi.DumpSummary;
import io.backupkit.api.spi.RestoreContext;
import io.backupkit.jdbc.sqlite.SqliteDumper;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** The real SQLite dumper, remembering the parallelism the engine gave it. */
class RecordingDumper implements DatabaseDumper {
    final SqliteDumper delegate = new SqliteDumper();
    final AtomicInteger parallelism = new AtomicInteger();
    volatile boolean fail;

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public DumpSummary dump(DumpContext context) {
        parallelism.set(context.parallelism());
        if (fail) {
            throw new io.backupkit.api.DumpException("the test dumper fails on purpose");
        }
        return delegate.dump(context);
    }

    @Override
    public List<RestoreResult.TableChange> restore(RestoreContext context) {
        return delegate.restore(context);
    }

    @Override
    public List<RestoreResult.TableChange> preview(RestoreContext context) {
        return delegate.preview(context);
    }

    @Override
    public boolean restoresAtomically(DataSource target) {
        return delegate.restoresAtomically(target);
    }

    @Override
    public void dropTables(DataSource target, List<String> qualifiedNames) {
        delegate.dropTables(target, qualifiedNames);
    }
}
