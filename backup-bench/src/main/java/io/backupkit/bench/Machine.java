package io.backupkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the benchmark ran on: CPU, cores, memory, load, versions of the tools compared. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        StringBuilder md = new StringBuilder("## Machine\n\n");
        md.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores available\n");
        md.append("- memory: ").append(memTotal()).append('\n');
        md.append("- load average at the end of the run (1/5/15 min): ").append(read("/proc/loadavg", 3))
                .append('\n');
        md.append("- OS: ").append(osName()).append(", kernel ").append(System.getProperty("os.version"))
                .append('\n');
        md.append("- Java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(" (BackupKit runs in a child JVM with -Xmx256m -XX:+UseParallelGC)\n");
        for (List<String> tool : List.of(List.of("pg_dump", "--version"), List.of("pg_restore", "--version"),
                List.of("mariadb-dump", "--version"), List.of("zstd", "--version"), List.of("tar", "--version"))) {
            md.append("- ").append(firstLine(tool)).append('\n');
        }
        return md.toString();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String memTotal() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            long kb = Long.parseLong(line.replaceAll("\\D+", ""));
            return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse("Linux");
        } catch (IOException e) {
            return "Linux";
        }
    }

    private static String read(String file, int fields) {
        try {
            String[] f = Files.readString(Path.of(file)).strip().split("\\s+");
            return String.join(" / ", java.util.Arrays.copyOf(f, Math.min(fields, f.length)));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String firstLine(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out.isEmpty() ? command.get(0) : out.lines().findFirst().orElse(command.get(0));
        } catch (IOException e) {
            return command.get(0) + ": not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return command.get(0);
        }
    }
}
