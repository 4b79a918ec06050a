package io.backupkit.jdbc.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a native-tool dumper runs its tools: the directory they are in ({@code null}: the {@code PATH}), the password
 * they get through a secret file, and how long one may run.
 */
public record NativeToolSettings(Path binDirectory, String password, Duration timeout) {
    public NativeToolSettings {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The first of {@code names} that is an executable file in the configured directory or, without one, on the
     * {@code PATH} (the names are tried in order, e.g. {@code mariadb-dump} before {@code mysqldump}).
     */
    public Optional<String> find(String... names) {
        List<Path> dirs = new ArrayList<>();
        if (binDirectory != null) {
            dirs.add(binDirectory);
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        for (String name : names) {
            for (Path dir : dirs) {
                if (Files.isExecutable(dir.resolve(name))) {
                    return Optional.of(dir.resolve(name).toString());
                }
            }
        }
        return Optional.empty();
    }
}
