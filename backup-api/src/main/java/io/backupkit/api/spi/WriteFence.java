package io.backupkit.api.spi;

/**
 * Writes to the tables a REPLACE restore replaces, held back from before the engine takes the safety backup until
 * the restore's final commit ({@link DatabaseDumper#fenceWrites}), so that every row committed to those tables
 * before the restore's commit is in the safety backup or in the restored tables: none is written to a table the
 * swap then drops. Reads go on meanwhile.
 *
 * <p>The engine passes the fence to {@link DatabaseDumper#restore} through {@link RestoreContext#writeFence()}
 * (a dumper uses it in its final transaction, e.g. the session holding the locks runs the swap) and closes it when
 * the restore returns or fails, before any rollback, on every path. Closing releases whatever the restore did not
 * commit; a second close does nothing.
 */
public interface WriteFence extends AutoCloseable {
    /** No fence: writes are not held back. */
    WriteFence NONE = () -> { };

    /** Releases the fence (rolls back what it holds unless the restore committed it). Never throws. */
    @Override
    void close();
}
