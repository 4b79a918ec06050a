package io.backupkit.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown of docs/PERFORMANCE.md: ratio table with targets, the medians behind it, the machine. */
final class Report {
    private Report() {
    }

    static String markdown(Map<String, Map<String, List<Sample>>> results, List<Target> targets, List<String> notes,
                           String command, Instant started, Instant finished, int runs) {
        StringBuilder md = new StringBuilder();
        md.append("# Performance: BackupKit against the native tools\n\n");
        md.append("Reproduce (from a clean clone; installs what it needs with apt and Maven):\n\n```sh\n")
                .append(command).append("\n```\n\n");
        md.append("`--scale 1` is the acceptance run of issue 8 (PostgreSQL ~1.3 GB, MariaDB ~0.5 GB, media ~1 GB"
                + " in 20,000 files); smaller scales shrink every table and the media folder proportionally.\n\n");
        md.append(String.format(Locale.ROOT, "Run of %s, %d interleaved runs per tool (A B A B ...), medians,"
                + " %d min in all.%n%n", started, runs, Duration.between(started, finished).toMinutes()));
        for (String note : notes) {
            md.append(note).append("\n\n");
        }
        md.append(ratioTable(targets)).append('\n');
        md.append(mediansTable(results)).append('\n');
        md.append(Machine.describe()).append('\n');
        return md.toString();
    }

    static String ratioTable(List<Target> targets) {
        StringBuilder md = new StringBuilder();
        md.append("## Ratios (BackupKit / peer; lower is better)\n\n");
        md.append("| measure | ratio | target | result |\n|---|---:|---:|---|\n");
        for (Target t : targets) {
            md.append("| ").append(cell(t.measure())).append(" | ").append(t.ratioText()).append(" | ")
                    .append(t.limitText()).append(" | ").append(t.verdict()).append(" |\n");
        }
        return md.toString();
    }

    static String mediansTable(Map<String, Map<String, List<Sample>>> results) {
        StringBuilder md = new StringBuilder();
        md.append("## Medians per tool\n\n");
        md.append("CPU = user + system time of the client process tree; server CPU = time the database server"
                + " spent meanwhile; RSS = largest resident set of one process of the tree.\n\n");
        md.append("| scenario | tool | wall s | CPU s | server CPU s | peak RSS MB | output MB | runs (wall s) |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (Map.Entry<String, Map<String, List<Sample>>> scenario : results.entrySet()) {
            for (Map.Entry<String, List<Sample>> tool : scenario.getValue().entrySet()) {
                List<Sample> s = tool.getValue();
                StringBuilder each = new StringBuilder();
                for (Sample x : s) {
                    each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f",
                            x.wallSeconds()));
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.0f | %.1f | %s |%n",
                        cell(scenario.getKey()), cell(tool.getKey()), Sample.median(s, Sample::wallSeconds),
                        Sample.median(s, Sample::cpuSeconds), Sample.median(s, Sample::serverCpuSeconds),
                        Sample.median(s, x -> x.peakRssKb()) / 1024.0,
                        Sample.median(s, x -> x.outputBytes()) / 1048576.0, each));
            }
        }
        return md.toString();
    }

    /** The hand-written "## Analysis" section of the previous docs/PERFORMANCE.md, kept across runs (or ""). */
    static String keptAnalysis(String previous) {
        int at = previous.indexOf("\n## Analysis");
        return at < 0 ? "" : previous.substring(at + 1);
    }

    /** A table cell: a pipe in a tool's command line must not end the cell. */
    static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
