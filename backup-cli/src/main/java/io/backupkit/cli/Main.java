package io.backupkit.cli;

import io.backupkit.api.BackupException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code backupkit} command: parses arguments, runs one subcommand, maps failures to exit codes. */
@Command(name = "backupkit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Backs up and restores a database and its media files on local, S3 or Google Drive storage.",
        subcommands = {BackupCommand.class, ListCommand.class, ShowCommand.class, VerifyCommand.class,
                DeleteCommand.class, PinCommand.Pin.class, PinCommand.Unpin.class, RestoreCommand.class, RecoverCommand.class, ExportCommand.class, ImportCommand.class,
                CleanupCommand.class, StatsCommand.class, HealthCommand.class, HistoryCommand.class,
                ScheduleCommand.class, JobsCommand.Jobs.class, JobsCommand.Job.class, ConfigCommand.class,
                DemoCommand.class, CompletionCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit demo",
                "  backupkit backup --storage file:./backups --db jdbc:sqlite:app.db --files ./media --type full",
                "  backupkit list --storage s3://my-bucket/app?region=eu-central-1",
                "  BACKUPKIT_DB_PASSWORD=... backupkit restore 20260122T020000Z-full-7f3a --db jdbc:postgresql://localhost/app --db-user app",
                "",
                "Configuration: flags > environment (BACKUPKIT_STORAGE, BACKUPKIT_DB_URL, ...) > backupkit.yml; see 'backupkit config'.",
                "Exit codes: 0 ok, 1 operation failed, 2 usage or configuration error, 3 not found, 4 integrity failure,",
                "            5 conflict, 6 unsupported, 7 unhealthy (health), 130 cancelled (or 'no' at a prompt)."})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--storage", scope = ScopeType.INHERIT, paramLabel = "URI",
            description = "Where backups are kept: file:./backups, s3://bucket/prefix?region=..., gdrive://FOLDER-ID.")
    String storage;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Configuration file (.yml or .properties); default ./backupkit.yml if present, or $BACKUPKIT_CONFIG.")
    Path config;

    @Option(names = "--create", scope = ScopeType.INHERIT,
            description = "Start a new local storage (file:DIR) that does not exist yet; backup, import and schedule"
                    + " create it anyway.")
    boolean create;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Print only results and errors.")
    boolean quiet;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print results as JSON, for scripts.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log what happens, and print the stack trace of an error.")
    boolean verbose;

    /** Streams and environment a run uses; replaced only by the demo's nested runs. */
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    Map<String, String> environment = System.getenv();
    Path workDir = Path.of("").toAbsolutePath();
    boolean terminal = Terminal.isInteractive(environment);

    /** A root for a command line run inside this one (demo, config COMMAND): the same streams, environment and folder. */
    Main nested() {
        Main nested = new Main();
        nested.stdout = stdout;
        nested.stderr = stderr;
        nested.environment = environment;
        nested.workDir = workDir;
        nested.terminal = terminal;
        return nested;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'backupkit demo' or 'backupkit list'");
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Start-up: the version needs neither picocli's model of every command nor logging.
            System.out.println(new Version().getVersion()[0]);
            return;
        }
        configureLogging(List.of(args));
        System.exit(new Main().execute(args));
    }

    /** Runs one command line and returns its exit code. */
    int execute(String... args) {
        CommandLine cl = new CommandLine(this);
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.registerConverter(io.backupkit.api.BackupId.class, Main::backupId);
        cl.registerConverter(BackupRef.class, text -> {
            try {
                return BackupRef.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.getSubcommands().get("config").setStopAtPositional(true);   // 'config backup --type full' shows backup's
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String message = ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && c.getCommandSpec().parent() == null
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + u.getUnmatched().get(0) + "': commands are "
                        + String.join(", ", c.getSubcommands().keySet());
            }
            stderr.println("backupkit: error: " + oneLine(message) + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            if (verbose) {
                stderr.print(trace(ex));
            }
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex));
        cl.setExitCodeExceptionMapper(t -> ExitCode.FAILED);
        return cl.execute(args);
    }

    private int handle(Exception ex) {
        int code;
        String message;
        if (ex instanceof CliException e) {
            code = e.exitCode();
            message = e.getMessage();
        } else if (ex instanceof BackupException e) {
            code = ExitCode.of(e.code());
            message = e.getMessage();
        } else if (ex instanceof IllegalArgumentException e) {
            code = ExitCode.USAGE;
            message = e.getMessage();
        } else {
            code = ExitCode.FAILED;
            message = "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                    + " (run again with --verbose for details, and report it)";
        }
        stderr.println("backupkit: error: " + oneLine(message));
        if (verbose) {
            stderr.print(trace(ex));
        }
        return code;
    }

    static String oneLine(String message) {
        return message == null ? "" : TerminalText.printable(message.strip().replaceAll("\\s*\\R\\s*", "; "));
    }

    private static String trace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    private static io.backupkit.api.BackupId backupId(String text) {
        try {
            return io.backupkit.api.BackupId.of(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /**
     * slf4j-simple reads its settings once, when the first logger is made: set them before anything logs. Quiet by
     * default (warnings and errors of BackupKit and libraries), debug for BackupKit with {@code --verbose}.
     */
    static void configureLogging(List<String> args) {
        boolean verbose = args.contains("--verbose") || args.contains("-v");
        boolean quiet = args.contains("--quiet") || args.contains("-q");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        // The CLI prints every error itself, in one line; library warnings repeat it, so they wait for --verbose.
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : quiet ? "off" : "error");
        if (verbose) {
            setDefault("org.slf4j.simpleLogger.log.io.backupkit", "debug");
            setDefault("org.slf4j.simpleLogger.showDateTime", "true");
            setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        }
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        // S3Mock/Spring-free, but the AWS SDK and Google client log through slf4j/JUL; keep JUL quiet too.
        java.util.logging.Logger.getLogger("").setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.SEVERE);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Prints the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"backupkit " + (v == null ? "(development build)" : v)};
        }
    }
}
