package io.backupkit.cli;

import io.backupkit.api.BackupId;
import io.backupkit.api.FileRestoreMode;
import io.backupkit.api.Manifest;
import io.backupkit.api.RestoreMode;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.RestoreResult;
import io.backupkit.api.TableSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore",
        description = {"Restores a backup after verifying every object, taking a safety backup of what it overwrites first.",
                "Asks for confirmation unless --force; refuses without --force when stdin is not a terminal."},
        footer = {"  backupkit restore latest --dry-run                                     # what would change",
                "  backupkit restore 20260122T020000Z-full-7f3a --db jdbc:sqlite:copy.db --only database",
                "  BACKUPKIT_DB_PASSWORD=... backupkit restore ID --db jdbc:postgresql://localhost/staging --db-user app \\",
                "      --mode merge --tables 'public.orders*' --force",
                "  backupkit restore ID --only files --files-to /tmp/restored-media --force",
                "  backupkit restore --file app-2026-01-22.tar --db jdbc:sqlite:app.db --force  # an export file, not imported"})
final class RestoreCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = BackupRef.DESCRIPTION + " Or --file.")
    BackupRef backup;

    @Option(names = "--file", paramLabel = "FILE", description = "Restore an export file directly: validated as"
            + " 'import' validates it, not registered in the storage (unless --import).")
    Path file;

    @Option(names = "--import", description = "With --file: import the file into the storage first (it is then listed"
            + " like any backup), and restore it from there.")
    boolean importFile;

    @Mixin
    DbOptions db = new DbOptions();

    @Option(names = "--mode", paramLabel = "MODE",
            description = "Database restore mode: replace (default: tables become exactly the backup), merge (upsert by"
                    + " primary key, nothing deleted), data-only (schema from your migrations; tables emptied and reloaded).")
    String mode;

    @Option(names = "--merge-conflicts", paramLabel = "POLICY",
            description = "With --mode merge, a backup row whose other unique key belongs to a different target row:"
                    + " fail (default: refused before any change, naming both rows) or overwrite (the target row is"
                    + " deleted, then the backup row merged).")
    String mergeConflicts;

    @Option(names = "--tables", split = ",", paramLabel = "PATTERN", description = "Restore only these tables.")
    List<String> tables;

    @Option(names = "--exclude-tables", split = ",", paramLabel = "PATTERN", description = "Do not restore these tables.")
    List<String> excludeTables;

    @Option(names = "--map-schema", paramLabel = "FROM=TO", description = "Restore schema FROM into schema TO (repeatable).")
    List<String> mapSchema;

    @Option(names = "--only", paramLabel = "PART", description = "Restore only the database or only the files.")
    String only;

    @Option(names = "--files-to", paramLabel = "DIR",
            description = "Restore the files under DIR instead of where they came from.")
    Path filesTo;

    @Option(names = "--files-mode", paramLabel = "MODE",
            description = "replace (default: the directory becomes exactly the backup) or merge (add and overwrite, remove nothing).")
    String filesMode;

    @Option(names = "--keep-existing", description = "With --files-mode merge: keep files that exist instead of overwriting them.")
    boolean keepExisting;

    @Option(names = {"--dry-run", "--validate-only"},
            description = "Check everything and report what would change; touch nothing (--validate-only: the old name).")
    boolean validateOnly;

    @Option(names = "--no-safety-backup", description = "Do not take a safety backup of what the restore overwrites.")
    boolean noSafetyBackup;

    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
    boolean force;

    RestoreCommand() {
        super(Trait.LONG_OPERATION);
    }

    @Override
    public Integer call() {
        Settings s = settings();
        parseMode();
        parseMergeConflicts();
        FileRestoreMode fm = parseFilesMode();
        if (keepExisting && fm != FileRestoreMode.MERGE) {
            throw CliException.usage("--keep-existing keeps files that exist, which only a merge does: add --files-mode"
                    + " merge (a replace makes the directory exactly the backup)");
        }
        if (filesTo != null && "database".equals(part())) {
            throw CliException.usage("--files-to says where files go, but --only database restores no files: drop one"
                    + " of them");
        }
        if ((backup == null) == (file == null)) {
            throw CliException.usage(backup == null ? "give the backup ID to restore, or --file FILE for an export file"
                    : "give either a backup ID or --file FILE, not both");
        }
        if (importFile && file == null) {
            throw CliException.usage("--import imports the --file FILE first: add --file, or drop --import");
        }
        Needs needs = new Needs(true, false, false);
        if (file != null && !importFile) {
            ArchiveFile.requireReadable(file);
            boolean hasStorage = s.get("storage").isPresent();
            if (!hasStorage && !noSafetyBackup) {
                throw CliException.usage("restoring " + file + " takes a safety backup of what it overwrites, kept in the"
                        + " storage: pass --storage URI (the file itself is not registered there), or --no-safety-backup");
            }
            try (Session target = hasStorage ? open(s, Needs.STORAGE_ONLY) : null;
                 ArchiveFile archive = ArchiveFile.open(this, s, needs, file)) {
                RestoreResult result = restore(archive.session, archive.manifest, s);
                if (target != null && result.safetyBackup().isPresent()) {
                    archive.copyTo(target, result.safetyBackup().get());
                    target.progress.clear();
                }
                print(result);
            }
            return ExitCode.OK;
        }
        try (Session session = open(s, needs)) {
            Manifest m;
            if (file != null) {
                ArchiveFile.requireReadable(file);
                m = session.engine.importBackup(file);
                session.progress.clear();
                out().info("imported " + m.type().label() + " backup " + m.id() + " from " + file + ", verified");
            } else {
                BackupId id = backup.resolve(session.engine);
                m = session.engine.find(id).orElseThrow(() -> ShowCommand.notFound(id));
            }
            print(restore(session, m, s));
        }
        return ExitCode.OK;
    }

    private RestoreResult restore(Session session, Manifest m, Settings s) {
        RestoreMode restoreMode = parseMode();
        FileRestoreMode fm = parseFilesMode();
        BackupId id = m.id();
        boolean wantDb = m.database().isPresent() && !"files".equals(part());
        boolean wantFiles = m.files().isPresent() && !"database".equals(part());
        if ("database".equals(part()) && m.database().isEmpty()) {
            throw CliException.usage("backup " + id + " has no database part: drop --only database");
        }
        if ("files".equals(part()) && m.files().isEmpty()) {
            throw CliException.usage("backup " + id + " has no files part: drop --only files");
        }
        if (wantDb && s.databaseUrl().isEmpty()) {
            throw CliException.usage("backup " + id + " has a database part: pass --db JDBC-URL for the database to"
                    + " restore into (or configure db.url), or restore only the files with --only files");
        }
        RestoreRequest.Builder b = RestoreRequest.builder(id).mode(restoreMode).filesMode(fm)
                .overwriteExisting(!keepExisting).validateOnly(validateOnly).safetyBackup(!noSafetyBackup);
        if (mergeConflicts != null) {
            b.mergeConflicts(parseMergeConflicts());
        }
        if (wantDb && !wantFiles) {
            b.databaseOnly();
        } else if (wantFiles && !wantDb) {
            b.filesOnly();
        }
        if (tables != null || excludeTables != null) {
            b.tables(new TableSelection(nonNull(tables), nonNull(excludeTables)));
        }
        for (String mapping : nonNull(mapSchema)) {
            int eq = mapping.indexOf('=');
            if (eq <= 0 || eq == mapping.length() - 1) {
                throw CliException.usage("--map-schema '" + mapping + "' must be FROM=TO, e.g. prod=staging");
            }
            try {
                b.mapSchema(mapping.substring(0, eq), mapping.substring(eq + 1));
            } catch (IllegalStateException mappedTwice) {
                throw CliException.usage("--map-schema: " + mappedTwice.getMessage());
            }
        }
        if (filesTo != null) {
            b.filesTarget(filesTo.toAbsolutePath().normalize());
        }
        RestoreRequest request = b.build();
        if (!validateOnly && !force) {
            confirm(plan(m, request, s), "Type 'yes' to restore: ", "restore overwrites data and needs confirmation"
                    + " (or use --dry-run for a dry run)", "restore cancelled: nothing was changed");
        }
        out().info((validateOnly ? "checking what restoring " : "restoring ") + id + " ...");
        RestoreResult result = await(session.engine.startRestore(request));
        session.progress.clear();
        return result;
    }

    private String part() {
        if (only == null) {
            return "";
        }
        String p = only.toLowerCase(Locale.ROOT);
        if (!p.equals("database") && !p.equals("files")) {
            throw CliException.usage("--only '" + only + "': use database or files");
        }
        return p;
    }

    private io.backupkit.api.MergeConflictPolicy parseMergeConflicts() {
        if (mergeConflicts == null) {
            return io.backupkit.api.MergeConflictPolicy.FAIL;
        }
        if (parseMode() != RestoreMode.MERGE) {
            throw CliException.usage("--merge-conflicts applies to --mode merge only: drop it or add --mode merge");
        }
        return choice("--merge-conflicts", mergeConflicts, io.backupkit.api.MergeConflictPolicy.FAIL, Map.of(
                "fail", io.backupkit.api.MergeConflictPolicy.FAIL,
                "overwrite", io.backupkit.api.MergeConflictPolicy.OVERWRITE_TARGET_ROW), "fail or overwrite");
    }

    private RestoreMode parseMode() {
        return choice("--mode", mode, RestoreMode.REPLACE, Map.of("replace", RestoreMode.REPLACE,
                "merge", RestoreMode.MERGE, "data-only", RestoreMode.DATA_ONLY, "data_only", RestoreMode.DATA_ONLY),
                "replace, merge or data-only");
    }

    private FileRestoreMode parseFilesMode() {
        return choice("--files-mode", filesMode, FileRestoreMode.REPLACE,
                Map.of("replace", FileRestoreMode.REPLACE, "merge", FileRestoreMode.MERGE), "replace or merge");
    }

    /** A keyword option's value (any case): {@code unset} when not given, else a usage error saying what to use. */
    private static <T> T choice(String flag, String value, T unset, Map<String, T> choices, String use) {
        if (value == null) {
            return unset;
        }
        T chosen = choices.get(value.toLowerCase(Locale.ROOT));
        if (chosen == null) {
            throw CliException.usage("unknown " + flag + " '" + value + "': use " + use);
        }
        return chosen;
    }

    private List<String> plan(Manifest m, RestoreRequest r, Settings s) {
        List<String> lines = new ArrayList<>();
        lines.add("Restore backup " + m.id() + " (" + m.type().label() + ", " + Output.time(m.createdAt()) + "):");
        if (r.database() && m.database().isPresent()) {
            lines.add("  database " + Settings.maskUrl(s.get("db.url").orElse("")) + ", mode " + r.mode() + switch (r.mode()) {
                case REPLACE -> ": the backed-up tables are dropped and recreated";
                case MERGE -> ": rows are inserted or updated, nothing deleted";
                case DATA_ONLY -> ": tables are emptied and reloaded";
            });
        }
        if (r.files() && m.files().isPresent()) {
            for (Manifest.FileRoot root : m.files().get().roots()) {
                String target = r.filesTarget().map(Path::toString).orElse(root.originalPath());
                lines.add("  files " + root.name() + " into " + target + ", mode " + r.filesMode()
                        + (r.filesMode() == FileRestoreMode.REPLACE ? ": files not in the backup are removed" : ""));
            }
        }
        lines.add(r.safetyBackup() ? "  A safety backup of what is overwritten is taken first."
                : "  No safety backup will be taken (--no-safety-backup).");
        return lines;
    }

    private void print(RestoreResult r) {
        if (out().json) {
            out().json(Json.restore(r));
            return;
        }
        out().result((r.validateOnly() ? "dry run of " : "restored ") + r.backupId() + " in " + Output.duration(r.duration())
                + r.safetyBackup().map(sb -> "; safety backup " + sb).orElse(""));
        if (!r.tables().isEmpty()) {
            out().table(List.of("TABLE", "ROWS BEFORE", r.validateOnly() ? "ROWS IN BACKUP" : "ROWS AFTER"),
                    r.tables().stream().map(t -> List.of(t.table(), t.rowsBefore() < 0 ? "(new)" : Output.count(t.rowsBefore()),
                            Output.count(t.rowsAfter()))).toList());
        }
        for (RestoreResult.FilesChange f : r.files()) {
            out().result("files " + f.root() + " -> " + f.target() + ": " + f.added() + " added, " + f.replaced()
                    + " replaced, " + f.unchanged() + " unchanged, " + f.removed() + " removed"
                    + (r.validateOnly() ? "" : ", " + Output.bytes(f.bytesWritten()) + " written"));
        }
    }
}
