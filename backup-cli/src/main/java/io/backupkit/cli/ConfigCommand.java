package io.backupkit.cli;

import io.backupkit.api.BackupId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "config",
        description = {"Prints the effective configuration and where each value comes from; secrets are masked.",
                "Sources, later winning: defaults, the configuration file, BACKUPKIT_* environment variables, flags."},
        footer = {"  backupkit config", "  backupkit config --config /etc/backupkit.yml --json",
                "  backupkit config cleanup --keep-last 5        # the settings cleanup would run with",
                "",
                "backupkit.yml:",
                "  storage: s3://my-bucket/app?region=eu-central-1",
                "  db:",
                "    url: jdbc:postgresql://localhost:5432/app",
                "    user: app",
                "    password-file: /run/secrets/db-password",
                "  files:",
                "    dirs: [/srv/app/media]",
                "    exclude: ['cache/**']",
                "  retention:",
                "    keep-within: 30d",
                "    max-count: 10",
                "  backup:",
                "    cleanup: true",
                "  import:",
                "    max-size: 5GB",
                "Environment: BACKUPKIT_STORAGE, BACKUPKIT_DB_URL, BACKUPKIT_DB_USER, BACKUPKIT_DB_PASSWORD,",
                "  BACKUPKIT_DB_PASSWORD_FILE, BACKUPKIT_FILES_DIRS (comma-separated), BACKUPKIT_RETENTION_KEEP_WITHIN,",
                "  BACKUPKIT_IMPORT_MAX_SIZE, BACKUPKIT_CONFIG, ... (every key: docs/CLI.md)"})
final class ConfigCommand extends BaseCommand {
    @Mixin
    DbOptions db = new DbOptions();

    @Option(names = "--files", arity = "1..*", paramLabel = "[NAME=]DIR", description = "Media directories.")
    List<String> files;

    @Parameters(arity = "0..*", paramLabel = "COMMAND [FLAGS]", description = "Show the settings this command line of"
            + " another command would run with, e.g. 'config cleanup --keep-last 5'.")
    List<String> command;

    @Override
    void addFlags(Map<String, Object> f) {
        f.put("files.dirs --files", files);
    }

    /** The settings of {@code backupkit COMMAND FLAGS...}, parsed as that command would parse them, without running it. */
    private Settings settingsOf(List<String> commandLine) {
        Main inner = root.nested();
        inner.storage = root.storage;
        inner.config = root.config;
        inner.create = root.create;
        inner.json = root.json;
        CommandLine cl = new CommandLine(inner);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(BackupId.class, BackupId::of);
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(commandLine.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw CliException.usage("config " + String.join(" ", commandLine) + ": " + e.getMessage());
        }
        if (!parsed.hasSubcommand() || !(parsed.subcommand().commandSpec().userObject() instanceof BaseCommand c)
                || c instanceof ConfigCommand) {
            throw CliException.usage("config COMMAND: '" + commandLine.get(0) + "' is not a command whose settings"
                    + " can be shown; try e.g. 'config backup --type full' or 'config cleanup --keep-last 5'");
        }
        root.json |= inner.json;
        return c.settings();
    }

    @Override
    public Integer call() {
        Settings s = command == null || command.isEmpty() ? settings() : settingsOf(command);
        List<String[]> rows = s.describe();
        if (out().json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("configFile", s.configFile().map(Object::toString).orElse(null));
            Map<String, Object> settings = new LinkedHashMap<>();
            for (String[] r : rows) {
                settings.put(r[0], Map.of("value", r[1], "source", r[2]));
            }
            m.put("settings", settings);
            out().json(m);
            return ExitCode.OK;
        }
        out().result("# configuration file: " + s.configFile().map(Object::toString).orElse("none"));
        out().table(List.of("SETTING", "VALUE", "SOURCE"), rows.stream().map(List::of).toList());
        return ExitCode.OK;
    }
}
