package io.backupkit.cli;

import io.backupkit.api.DataSize;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The effective configuration of one command: defaults, then a configuration file ({@code backupkit.yml},
 * {@code .yaml} or {@code .properties}), then {@code DATABASE_URL}, then environment variables ({@code BACKUPKIT_DB_URL}
 * for {@code db.url}), then command-line flags; a later source wins. Each value remembers where it came from, for {@code config}.
 * The database password is never a setting with a value here: it is read from {@code db.password-file} or the
 * environment variable {@code BACKUPKIT_DB_PASSWORD}, and only ever printed masked.
 */
final class Settings {
    static final String PASSWORD_ENV = "BACKUPKIT_DB_PASSWORD";
    static final String CONFIG_ENV = "BACKUPKIT_CONFIG";
    /** The Heroku / Django / Rails convention; below BACKUPKIT_DB_URL, above the configuration file. */
    static final String DATABASE_URL_ENV = "DATABASE_URL";
    private static final String DATABASE_URL_SOURCE = "env " + DATABASE_URL_ENV;

    /** Every key a configuration file may use, in the order {@code config} prints them. */
    static final List<String> KEYS = SettingKeys.keys();
    private static final Pattern SECRET_IN_URL = Pattern.compile(
            "(?i)([?&;:](password|passwd|pwd|sslpassword|secret)=)[^&;]*|(//[^/@:]+:)[^/@]*@");

    /** A value and where it came from. */
    record Value(List<String> values, String source) {
        String single() {
            return values.isEmpty() ? "" : values.get(0);
        }
    }

    private final Map<String, Value> values;
    private final Optional<Path> configFile;
    private final Map<String, String> environment;

    private Settings(Map<String, Value> values, Optional<Path> configFile, Map<String, String> environment) {
        this.values = values;
        this.configFile = configFile;
        this.environment = environment;
    }

    /**
     * Loads the configuration.
     *
     * @param explicitConfig the {@code --config} flag, if given
     * @param flags          key to value(s) given on the command line (null/empty values are ignored)
     * @param environment    the process environment
     * @param workDir        where {@code backupkit.yml} is looked for
     */
    static Settings load(Path explicitConfig, Map<String, Object> flags, Map<String, String> environment, Path workDir) {
        Map<String, Value> values = new LinkedHashMap<>();
        for (SettingKeys.Key k : SettingKeys.ALL) {
            if (!k.fallback().isEmpty()) {
                values.put(k.key(), new Value(List.of(k.fallback()), "default"));
            }
        }

        Optional<Path> file = findConfigFile(explicitConfig, environment, workDir);
        file.ifPresent(f -> readFile(f).forEach((k, v) -> values.put(k, new Value(v, "file " + f))));
        String databaseUrl = environment.get(DATABASE_URL_ENV);
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            values.put("db.url", new Value(List.of(databaseUrl.strip()), DATABASE_URL_SOURCE));
        }

        for (String key : KEYS) {
            String name = envName(key);
            String v = environment.get(name);
            if (v != null && !v.isBlank()) {
                values.put(key, new Value(split(key, v), "env " + name));
            }
        }
        flags.forEach((flagAndKey, v) -> {
            String[] parts = flagAndKey.split(" ", 2);
            String key = parts[0];
            String flag = parts.length > 1 ? parts[1] : key;
            if (v instanceof List<?> list && !list.isEmpty()) {
                values.put(key, new Value(list.stream().map(String::valueOf).toList(), "flag " + flag));
            } else if (v != null && !(v instanceof List<?>) && !String.valueOf(v).isBlank()) {
                values.put(key, new Value(List.of(String.valueOf(v)), "flag " + flag));
            }
        });
        Value url = values.get("db.url");
        // An environment variable is not seen by other users (a process argument is): DATABASE_URL may hold one.
        if (url != null && !url.source().equals(DATABASE_URL_SOURCE) && containsSecret(url.single())) {
            throw CliException.usage("the database URL (" + url.source() + ") contains a password: remove it and give"
                    + " the password with --db-password-file FILE or the environment variable " + PASSWORD_ENV);
        }
        return new Settings(values, file, environment);
    }

    static String envName(String key) {
        return new SettingKeys.Key(key, "", false, "").env();
    }

    private static Optional<Path> findConfigFile(Path explicit, Map<String, String> environment, Path workDir) {
        Path named = explicit;
        String source = "--config";
        if (named == null && environment.get(CONFIG_ENV) != null && !environment.get(CONFIG_ENV).isBlank()) {
            named = Path.of(environment.get(CONFIG_ENV));
            source = CONFIG_ENV;
        }
        if (named != null) {
            if (!Files.isRegularFile(named) || !Files.isReadable(named)) {
                throw CliException.usage("cannot read the configuration file " + named + " (" + source
                        + "): check the path and its permissions");
            }
            return Optional.of(named);
        }
        for (String name : List.of("backupkit.yml", "backupkit.yaml", "backupkit.properties")) {
            Path candidate = workDir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Map<String, List<String>> readFile(Path file) {
        Map<String, List<String>> flat = new LinkedHashMap<>();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".properties")) {
                Properties p = new Properties();
                p.load(reader);
                for (String key : p.stringPropertyNames()) {
                    flat.put(key, split(key, p.getProperty(key)));
                }
            } else {
                Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                if (root != null && !(root instanceof Map<?, ?>)) {
                    throw CliException.usage("the configuration file " + file
                            + " must be a YAML mapping such as 'storage: file:./backups'");
                }
                if (root != null) {
                    flatten("", (Map<?, ?>) root, flat);
                }
            }
        } catch (IOException e) {
            throw CliException.usage("cannot read the configuration file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof CliException) {
                throw e;
            }
            throw CliException.usage("the configuration file " + file + " is not valid: "
                    + e.getMessage().replaceAll("\\s+", " "));
        }
        for (String key : flat.keySet()) {
            if (key.equals("db.password")) {
                throw CliException.usage("the configuration file " + file + " sets db.password: put the password in a"
                        + " file readable only by you and set db.password-file, or use the environment variable "
                        + PASSWORD_ENV);
            }
            if (!KEYS.contains(key)) {
                throw CliException.usage("unknown setting '" + key + "' in " + file + SettingKeys.hint(key)
                        .map(h -> ": use " + h).orElse(": known settings are " + String.join(", ", KEYS)));
            }
        }
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, List<String>> out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (v instanceof List<?> list) {
                out.put(key, list.stream().map(String::valueOf).toList());
            } else if (v != null) {
                out.put(key, split(key, String.valueOf(v)));
            }
        });
    }

    private static List<String> split(String key, String text) {
        if (SettingKeys.find(key).map(SettingKeys.Key::list).orElse(false)) {
            return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        return List.of(text.strip());
    }

    /** Whether a URL carries a password (query parameter or user:password@), which must never be a setting. */
    static boolean containsSecret(String url) {
        return SECRET_IN_URL.matcher(url).find();
    }

    /** The URL with any password replaced by {@code ****}. */
    static String maskUrl(String url) {
        return SECRET_IN_URL.matcher(url).replaceAll(m -> m.group(3) != null
                ? java.util.regex.Matcher.quoteReplacement(m.group(3) + "****@")
                : java.util.regex.Matcher.quoteReplacement(m.group(1) + "****"));
    }

    /** A yes/no setting: true, yes, on or 1; false, no, off, 0 or unset; anything else is a usage error. */
    static boolean bool(Settings s, String key) {
        String v = s.get(key).orElse("false").strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw CliException.usage(key + " must be true or false, was '" + v + "' ("
                    + s.value(key).map(Value::source).orElse("") + ")");
        };
    }

    /** Where a setting's value came from: {@code flag --x}, {@code env X}, {@code file F} or {@code default}. */
    String source(String key) {
        return value(key).map(Value::source).orElse("not set");
    }

    /** Whether the value was given on this command line. */
    boolean fromFlag(String key) {
        return source(key).startsWith("flag");
    }

    /** A size in the library's one syntax ({@link DataSize}: 5GB = 5,000,000,000, 5GiB = 5 x 1024^3), if set. */
    java.util.OptionalLong size(String key) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return java.util.OptionalLong.empty();
        }
        try {
            long bytes = DataSize.parse(v.get()).bytes();
            if (bytes < 1) {
                throw new IllegalArgumentException("it must be more than 0 bytes");
            }
            return java.util.OptionalLong.of(bytes);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(key + " '" + v.get() + "' (" + source(key) + ") is not a size: " + e.getMessage());
        }
    }

    /** A duration ({@link Durations}), if set. */
    Optional<java.time.Duration> duration(String key) {
        return get(key).map(v -> Durations.parse(key + " (" + source(key) + ")", v));
    }

    /** A whole number of at least 1, if set. */
    java.util.OptionalInt positive(String key) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return java.util.OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v.get().strip());
            if (n >= 1) {
                return java.util.OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage(key + " must be a whole number of 1 or more, was '" + v.get() + "' (" + source(key) + ")");
    }

    Optional<String> get(String key) {
        Value v = values.get(key);
        return v == null || v.values().isEmpty() ? Optional.empty() : Optional.of(v.single());
    }

    List<String> list(String key) {
        Value v = values.get(key);
        return v == null ? List.of() : v.values();
    }

    Optional<Value> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    Optional<Path> configFile() {
        return configFile;
    }

    /** The database to use ({@code db.url} in any of the forms {@link DatabaseUrl} reads), if one is set. */
    Optional<DatabaseUrl> databaseUrl() {
        return get("db.url").map(DatabaseUrl::parse);
    }

    /** The database user: {@code db.user} (--db-user, BACKUPKIT_DB_USER, the file) or the user in the URL. */
    Optional<String> databaseUser() {
        Optional<String> inUrl = databaseUrl().flatMap(DatabaseUrl::user);
        Optional<String> setting = get("db.user");
        if (setting.isPresent() && inUrl.isPresent() && !setting.get().equals(inUrl.get())) {
            throw CliException.usage("the database user is given twice: '" + inUrl.get() + "' in the URL ("
                    + values.get("db.url").source() + ") and '" + setting.get() + "' (" + values.get("db.user").source()
                    + "): keep one");
        }
        return setting.or(() -> inUrl);
    }

    /** The database password and where it came from, if one was given; never printed. */
    Optional<Secret> password() {
        Value fileFlag = values.get("db.password-file");
        if (fileFlag != null && fileFlag.source().startsWith("flag")) {
            return Optional.of(readPasswordFile(fileFlag));
        }
        String env = environment.get(PASSWORD_ENV);
        if (env != null && !env.isEmpty()) {
            return Optional.of(new Secret(env, "env " + PASSWORD_ENV));
        }
        Value url = values.get("db.url");
        if (url != null && url.source().equals(DATABASE_URL_SOURCE)) {
            Optional<String> inUrl = DatabaseUrl.parse(url.single()).password();
            if (inUrl.isPresent()) {
                return Optional.of(new Secret(inUrl.get(), DATABASE_URL_SOURCE));
            }
        }
        if (fileFlag != null) {
            return Optional.of(readPasswordFile(fileFlag));
        }
        return Optional.empty();
    }

    private static Secret readPasswordFile(Value file) {
        Path path = Path.of(file.single());
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            // A trailing line break comes from editors and echo, never from the password.
            return new Secret(text.replaceAll("\\R+$", ""), "file " + path);
        } catch (IOException | RuntimeException e) {
            throw CliException.usage("cannot read the database password file " + path + " (" + file.source()
                    + "): check the path and that it is readable by this user");
        }
    }

    /** A secret value that never prints itself. */
    record Secret(String value, String source) {
        @Override
        public String toString() {
            return "****** (from " + source + ")";
        }
    }

    /** The effective configuration as lines {@code key = value   (source)}, secrets masked. */
    List<String[]> describe() {
        List<String[]> rows = new ArrayList<>();
        for (String key : KEYS) {
            Value v = values.get(key);
            if (v == null) {
                rows.add(new String[] {key, "", "not set"});
                continue;
            }
            String shown = String.join(", ", v.values());
            if (key.equals("db.url") || key.equals("storage")) {
                shown = maskUrl(shown);
            }
            rows.add(new String[] {key, shown, v.source()});
        }
        Optional<Secret> pw = password();
        rows.add(3, new String[] {"db.password", pw.map(s -> "******").orElse(""),
                pw.map(Secret::source).orElse("not set (" + PASSWORD_ENV + " or db.password-file)")});
        return rows;
    }
}
