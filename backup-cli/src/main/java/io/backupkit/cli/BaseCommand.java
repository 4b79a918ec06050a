package io.backupkit.cli;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.Compression;
import io.backupkit.api.FileSet;
import io.backupkit.api.HealthPolicy;
import io.backupkit.api.Job;
import io.backupkit.api.TableSelection;
import io.backupkit.core.BackupKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: the root's global options, {@code --help} / {@code --version} and the examples
 * heading (picocli applies this class's {@code @Command} attributes to every subclass), the configuration, and
 * opening an engine.
 */
@Command(mixinStandardHelpOptions = true, footerHeading = "%nExamples:%n")
abstract class BaseCommand implements Callable<Integer> {
    private static final Pattern ROOT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** What a command does beyond reading the storage, which changes how it opens the storage and reports. */
    enum Trait {
        /** Starts a local storage that does not exist yet (backup, import, schedule). */
        CREATES_STORAGE,
        /**
         * Runs long enough to report progress (backup, restore, verify, export, import): under {@code --json} it
         * then streams JSON lines instead of printing one document.
         */
        LONG_OPERATION
    }

    @ParentCommand
    Main root;

    @Spec
    CommandSpec spec;

    private final Set<Trait> traits;
    private Output output;

    BaseCommand(Trait... traits) {
        this.traits = traits.length == 0 ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(Arrays.asList(traits));
    }

    /**
     * Puts the flags of this command's own options that override settings ({@code "key --flag"} to value); the
     * flags of its {@link SettingFlags} mixins are put already.
     */
    void addFlags(Map<String, Object> flags) {
    }

    Output out() {
        if (output == null) {
            output = new Output(root.stdout, root.stderr, root.quiet, root.json, root.verbose, root.terminal);
        }
        return output;
    }

    /**
     * Asks for confirmation on a terminal. Off a terminal (scripts, cron) it refuses: destructive commands need
     * {@code --force} there. Anything but "yes" cancels.
     */
    void confirm(List<String> plan, String prompt, String needsForce, String cancelled) {
        java.io.Console console = System.console();
        if (!root.terminal || console == null) {
            throw CliException.usage(needsForce + ", but stdin is not a terminal: pass --force to go ahead without asking");
        }
        plan.forEach(out().err::println);
        String answer = console.readLine(prompt);
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw CliException.declined(cancelled);
        }
    }

    Settings settings() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("storage --storage", root.storage);
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof SettingFlags group) {
                group.addTo(all);
            }
        }
        addFlags(all);
        return Settings.load(root.config, all, root.environment, root.workDir);
    }

    /** The database options that commands touching a database share. */
    static final class DbOptions implements SettingFlags {
        @Option(names = "--db", paramLabel = "URL",
                description = "The database: postgres://user@host:5432/app, mysql://user@host/app, mariadb://..., "
                        + "sqlite:///app.db, or a JDBC URL (jdbc:postgresql://..., jdbc:sqlite:app.db, jdbc:h2:./app). "
                        + "Default: $BACKUPKIT_DB_URL, then $DATABASE_URL. Never put the password in --db.")
        String url;

        @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
        String user;

        @Option(names = "--db-password-file", paramLabel = "FILE",
                description = "File holding the database password (or set BACKUPKIT_DB_PASSWORD).")
        Path passwordFile;

        @Option(names = "--no-progress-timeout", paramLabel = "DURATION",
                description = "Give the backup or restore up when it moves no rows, bytes or files and the database "
                        + "reports no work for it for this long (default 10m; a long CREATE INDEX is work).")
        String noProgressTimeout;

        @Override
        public void addTo(Map<String, Object> flags) {
            flags.put("no-progress-timeout --no-progress-timeout", noProgressTimeout);
            flags.put("db.url --db", url);
            flags.put("db.user --db-user", user);
            flags.put("db.password-file --db-password-file", passwordFile == null ? null : passwordFile.toString());
        }
    }

    /** What an engine is opened with. */
    record Needs(boolean database, boolean databaseMustExist, boolean files) {
        static final Needs STORAGE_ONLY = new Needs(false, false, false);
    }

    /** An engine whose history records the CLI user; closing it closes the storage. */
    static final class Session implements AutoCloseable {
        final BackupEngine engine;
        /** The engine as built, for what needs it unwrapped (the scheduler). */
        final BackupEngine base;
        final ProgressReporter progress;

        Session(BackupEngine base, String actor, ProgressReporter progress) {
            this.base = base;
            this.engine = base.withActor(actor);
            this.progress = progress;
        }

        @Override
        public void close() {
            progress.clear();
            base.close();
        }
    }

    Session open(Settings s, Needs needs) {
        String storage = s.get("storage").orElseThrow(() -> CliException.usage("no storage configured: pass --storage"
                + " URI (e.g. --storage file:./backups), set BACKUPKIT_STORAGE, or put 'storage:' in backupkit.yml"));
        requireLocalStorage(storage);
        return openOn(storage, s, needs);
    }

    /** An engine on {@code storage} (not necessarily the configured one) with the rest of the configuration. */
    Session openOn(String storage, Settings s, Needs needs) {
        ProgressReporter progress = new ProgressReporter(out(), traits.contains(Trait.LONG_OPERATION) ? out().streamJsonLines() : null);
        BackupKit.Builder b = BackupKit.builder().storage(storage).listener(progress);
        Optional<DatabaseUrl> db = needs.database() ? s.databaseUrl() : Optional.empty();
        if (db.isPresent()) {
            String password = s.password().map(Settings.Secret::value).orElse(null);
            b.dataSource(JdbcDataSource.of(db.get().jdbcUrl(), s.databaseUser().orElse(null), password,
                    needs.databaseMustExist()));
            Dumpers.configure(b, s, db.get().jdbcUrl(), password, needs.databaseMustExist());
        }
        if (needs.files() && !s.list("files.dirs").isEmpty()) {
            b.files(fileSet(s, needs.databaseMustExist()));
        }
        if (!s.list("tables.include").isEmpty() || !s.list("tables.exclude").isEmpty()) {
            b.tables(new TableSelection(s.list("tables.include"), s.list("tables.exclude")));
        }
        b.compression(compression(s));
        b.maxImportBytes(s.size("import.max-size").orElseThrow());
        b.healthPolicy(healthPolicy(s));
        try {
            s.duration("no-progress-timeout").ifPresent(b::noProgressTimeout);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage() + " (--no-progress-timeout / no-progress-timeout)");
        }
        String actor = s.get("actor").orElse("cli:" + System.getProperty("user.name", "unknown"));
        return new Session(b.build(), actor, progress);
    }

    /** A mistyped local storage path must not look like an empty storage. */
    private void requireLocalStorage(String storage) {
        if (!storage.startsWith("file:") || traits.contains(Trait.CREATES_STORAGE)) {
            return;
        }
        String path = storage.substring("file:".length());
        path = path.startsWith("//") ? path.substring(2) : path;
        int query = path.indexOf('?');
        // Relative to the process's working directory, as the file: storage itself resolves it (not root.workDir,
        // which the demo points at its own folder for configuration lookup).
        Path dir = Path.of(query >= 0 ? path.substring(0, query) : path).toAbsolutePath();
        if (root.create && !Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw CliException.storageUnusable("cannot create the storage directory " + dir + ": " + e.getMessage());
            }
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.storageUnusable("the storage " + storage + " does not exist (" + dir + " is not a"
                    + " directory): check the path, or pass --create to start a new storage there");
        }
    }

    static FileSet fileSet(Settings s, boolean mustExist) {
        FileSet.Builder fb = FileSet.builder();
        for (String spec : s.list("files.dirs")) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : null;
            Path dir;
            if (name != null && ROOT_NAME.matcher(name).matches()) {
                dir = Path.of(spec.substring(eq + 1));
            } else {
                name = null;
                dir = Path.of(spec);
            }
            if (mustExist && !Files.isDirectory(dir)) {
                throw CliException.usage("the files directory " + dir + " does not exist or is not a directory:"
                        + " check --files (or files.dirs)");
            }
            try {
                if (name == null) {
                    fb.root(dir.toAbsolutePath().normalize());
                } else {
                    fb.root(name, dir.toAbsolutePath().normalize());
                }
            } catch (IllegalStateException twoRootsOfOneName) {
                throw CliException.usage(twoRootsOfOneName.getMessage() + " (in --files / files.dirs: NAME=DIR)");
            }
        }
        fb.include(s.list("files.include").toArray(String[]::new));
        fb.exclude(s.list("files.exclude").toArray(String[]::new));
        String oneFs = s.get("files.one-file-system").orElse("false").strip().toLowerCase(Locale.ROOT);
        if (!oneFs.equals("true") && !oneFs.equals("false")) {
            throw CliException.usage("files.one-file-system is '" + oneFs + "': use true or false");
        }
        fb.oneFileSystem(oneFs.equals("true"));
        return fb.build();
    }

    static Compression compression(Settings s) {
        String codec = s.get("compression.codec").orElse("zstd").toLowerCase(Locale.ROOT);
        boolean levelGiven = s.value("compression.level").map(v -> !v.source().equals("default")).orElse(false);
        int level;
        try {
            level = Integer.parseInt(s.get("compression.level").orElse("3"));
        } catch (NumberFormatException e) {
            throw CliException.usage("compression level '" + s.get("compression.level").orElse("")
                    + "' is not a number: use 1-19 for zstd, 1-9 for gzip");
        }
        return switch (codec) {
            case "zstd" -> Compression.zstd(level);
            case "gzip" -> Compression.gzip(levelGiven ? level : 6);
            case "none" -> Compression.NONE;
            default -> throw CliException.usage("unknown compression '" + codec + "': use zstd, gzip or none");
        };
    }

    static HealthPolicy healthPolicy(Settings s) {
        java.time.Duration maxAge = s.duration("health.max-age").orElseThrow();
        OptionalLong maxSize = s.size("health.max-size");
        int runs;
        try {
            runs = Integer.parseInt(s.get("health.failed-runs").orElse("2"));
        } catch (NumberFormatException e) {
            throw CliException.usage("health.failed-runs must be a whole number, was '"
                    + s.get("health.failed-runs").orElse("") + "'");
        }
        return new HealthPolicy(maxAge, maxSize, runs);
    }

    /**
     * Waits for a background job. Ctrl-C or SIGTERM cancels it and waits (up to a minute) until it has stopped, so
     * that an interrupted backup leaves nothing listed and an interrupted restore is rolled back.
     */
    static <T> T await(Job<T> job) {
        Thread hook = new Thread(() -> {
            if (job.cancel()) {
                try {
                    job.result().get(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | CancellationException e) {
                    // the job reports its own end; the process is exiting anyway
                }
            }
        }, "backupkit-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return job.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already running: it cancels the job
            }
        }
    }

    static List<String> nonNull(List<String> list) {
        return list == null ? List.of() : list;
    }
}
