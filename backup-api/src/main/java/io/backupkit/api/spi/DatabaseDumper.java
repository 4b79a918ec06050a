package io.backupkit.api.spi;

import io.backupkit.api.RestoreResult;
import java.util.List;
import javax.sql.DataSource;

/**
 * Backs up and restores one kind of database. Implementations live in {@code backup-jdbc} (and in host
 * applications); the engine calls them for DATABASE and FULL backups and handles everything around them:
 * compression, checksums, storage, manifest, verification before restore, events.
 *
 * <p>A dump is taken inside one consistent snapshot and streams rows: memory stays bounded whatever the
 * database size. Everything the dumper cannot capture (functions, triggers, ...) is reported by name in
 * {@link DumpSummary#warnings()}, never silently dropped.
 */
public interface DatabaseDumper {

    /** Short stable name recorded in the manifest and used to find the restorer, e.g. {@code postgresql}. */
    String name();

    /** Dumps the selected tables, writing every object through {@link DumpContext#createObject}. */
    DumpSummary dump(DumpContext context);

    /**
     * Restores the selected tables of a backup into the target. Objects come from
     * {@link RestoreContext#openObject}, already verified against the manifest. On a failure the dumper leaves
     * the target as it was where the engine allows (one transaction), and says which table and row failed.
     *
     * @return one entry per table restored
     */
    List<RestoreResult.TableChange> restore(RestoreContext context);

    /**
     * What {@link #restore} would change, for a dry run: per table the rows now in the target (-1 when the table
     * does not exist) and the rows in the backup. Also checks what a restore would check before touching
     * anything (target reachable, types the target can hold, tables present for DATA_ONLY/MERGE) and throws
     * the same exceptions. Touches nothing.
     */
    List<RestoreResult.TableChange> preview(RestoreContext context);

    /**
     * Holds back writes to {@code replacedTables} (qualified names as {@link #preview} returns them, tables that exist
     * in the target) until the restore's final commit, so that no write committed after the safety backup's snapshot
     * goes to a table the restore then drops. The engine calls it just before it takes the safety backup of a
     * restore, passes the result to {@link #restore} through {@link RestoreContext#writeFence()}, and closes it when
     * the restore returns or fails. Returns once the fence holds (it waits for writes in progress to commit). The
     * default holds nothing back ({@link WriteFence#NONE}): right for a restore whose tables stay locked from the
     * safety backup to the commit anyway, or a dumper that takes its safety copy from the replaced tables themselves.
     */
    default WriteFence fenceWrites(RestoreContext context, List<String> replacedTables) {
        return WriteFence.NONE;
    }

    /**
     * Whether {@link #restore} into this database is all-or-nothing (one transaction including the DDL, as on
     * PostgreSQL and SQLite): when it throws, the target is as it was. When false, the engine puts the target
     * back from the safety backup after a failure.
     */
    default boolean restoresAtomically(DataSource target) {
        return false;
    }

    /**
     * Drops these tables (qualified names as {@link RestoreContext#tables()} match them) if they exist, with whatever
     * depends on them inside the set. The engine calls it to undo a failed restore that created tables which did not
     * exist before.
     */
    default void dropTables(DataSource target, List<String> qualifiedNames) {
        throw new UnsupportedOperationException(name() + " cannot drop tables, so a failed restore that created new "
                + "tables cannot be undone completely");
    }

    /**
     * Removes what a restore of this dumper left in {@code target} when its process was killed (a staging schema,
     * tables moved aside), and finishes or undoes anything it recorded as its own way back. The engine calls it
     * during recovery, only once the killed restore is known to be dead, with every entry the restore reported
     * through {@link RestoreContext#recordRecoveryData}. The default does nothing: a restore that is one
     * transaction needs nothing, the server rolled it back when the connection died.
     */
    default void recoverAfterKill(DataSource target, java.util.Map<String, String> recoveryData) {
    }

    /**
     * Whether a REPLACE of this dumper into {@code target} moves the tables it replaces aside in its swap and keeps
     * them until the restore's safety backup was taken from them ({@link RestoreContext#takeSafetyBackup}). When true,
     * the engine takes no safety backup before a database-only REPLACE and gives the dumper that call instead, so that
     * rows committed to the replaced tables while the restore loaded its staging tables are in the safety backup.
     * False by default: the engine takes the safety backup before {@link #restore}, as it always did.
     */
    default boolean safetyBackupAfterSwap(DataSource target) {
        return false;
    }

    /**
     * For a restore that is not one transaction but loads staging tables and swaps them in ({@link
     * #safetyBackupAfterSwap}): finishes or undoes what it recorded through {@link RestoreContext#recordRecoveryData}
     * after its process was killed, and says where that left the target: {@code UNCHANGED} (the swap had not happened;
     * staging tables dropped), {@code ROLLED_BACK} (the swap was undone from the tables moved aside), {@code
     * COMPLETED} (the safety backup was complete; the restore was finished, the target holds the backup). Empty when
     * nothing of the kind was recorded: the engine then puts the target back from the safety backup, as for any other
     * restore that is not one transaction. Called instead of {@link #recoverAfterKill} where it answers.
     */
    default java.util.Optional<io.backupkit.api.RecoveryReport.Outcome> recoverSwapAfterKill(DataSource target,
            java.util.Map<String, String> recoveryData) {
        return java.util.Optional.empty();
    }

    /**
     * Whether the one transaction of a restore that was killed ({@link #restoresAtomically}) committed before the
     * process died: the engine cannot tell a kill just after the COMMIT from one just before it, so a dumper that
     * recorded its transaction's id through {@link RestoreContext#recordRecoveryData} before committing answers it
     * from the server (PostgreSQL: {@code txid_status}). Empty when it cannot say; recovery then trusts the server's
     * rollback, which is right for every kill before the COMMIT was sent.
     */
    default java.util.Optional<Boolean> committedBeforeKill(DataSource target, java.util.Map<String, String> recoveryData) {
        return java.util.Optional.empty();
    }

    /**
     * What the server is doing right now for the operation's sessions {@code sessions} (the connections the engine
     * handed the dumper during this backup or restore and that are still open, as the driver gave them: PostgreSQL's
     * backend pid, MariaDB's thread id), as an opaque text that changes whenever the server moves on for them
     * (PostgreSQL: {@code pg_stat_activity} and the {@code pg_stat_progress_*} views; MariaDB:
     * {@code information_schema.PROCESSLIST} stage and progress, never its clock). The engine's no-progress watchdog
     * counts a change of this text as progress, so a healthy {@code CREATE INDEX} that sends nothing for minutes is not
     * taken for a hang, while a session that only waits for the client (a stalled network) must give the same text
     * each time. Ask over a new connection from {@code target} (never one of {@code sessions}, which may be busy or
     * hung). Empty when the dumper cannot tell; then only rows and bytes moved count as progress. Called on a thread
     * of its own, which the engine abandons (and whose connection it aborts) if it does not answer; must never throw:
     * a failure to look is an empty answer.
     */
    default java.util.Optional<String> serverProgress(DataSource target, List<java.sql.Connection> sessions) {
        return java.util.Optional.empty();
    }

    /**
     * Ends one of the operation's sessions now, from another thread, because the operation made no progress for its
     * timeout: a call blocked in it (a socket read or write that never returns) must fail at once. Called on a thread
     * of its own. The default is {@link java.sql.Connection#abort}; a dumper whose driver's {@code abort} waits for the
     * blocked call or for a new connection to the server (MariaDB Connector/J sends {@code KILL} over a new connection
     * and then waits for the reader's lock) overrides it.
     */
    default void abortSession(java.sql.Connection session) throws java.sql.SQLException {
        session.abort(Runnable::run);
    }
}
