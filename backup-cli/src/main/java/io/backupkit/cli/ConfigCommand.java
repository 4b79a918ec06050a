package io.backupkit.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Prints the effective configuration and where each value comes from; secrets are masked.",
                "Sources, later winning: defaults, the configuration file, BACKUPKIT_* environment variables, flags."},
        footerHeading = "%nExamples:%n",
        footer = {"  backupkit config", "  backupkit config --config /etc/backupkit.yml --json",
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
                "Environment: BACKUPKIT_STORAGE, BACKUPKIT_DB_URL, BACKUPKIT_DB_USER, BACKUPKIT_DB_PASSWORD,",
                "  BACKUPKIT_DB_PASSWORD_FILE, BACKUPKIT_FILES_DIRS (comma-separated), BACKUPKIT_CONFIG, ..."})
final class ConfigCommand extends BaseCommand {
    @Mixin
    DbOptions db = new DbOptions();

    @Option(names = "--files", arity = "1..*", paramLabel = "[NAME=]DIR", description = "Media directories.")
    List<String> files;

    @Override
    Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        db.addTo(f);
        f.put("files.dirs --files", files);
        return f;
    }

    @Override
    public Integer call() {
        Settings s = settings();
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
