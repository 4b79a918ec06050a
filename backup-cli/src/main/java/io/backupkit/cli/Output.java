package io.backupkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Locale;

/**
 * Where a command writes: results to stdout (a table, plain lines or JSON), messages and progress to stderr.
 * {@code --quiet} silences messages, never results or errors; {@code --json} makes stdout one JSON document, or
 * for a long operation JSON lines ({@link JsonLinesProgress}).
 */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    final PrintStream out;
    final PrintStream err;
    final boolean quiet;
    final boolean json;
    final boolean verbose;
    final boolean terminal;
    /** Set for a long operation under {@code --json}: progress and the result as JSON lines. */
    private JsonLinesProgress jsonLines;

    Output(PrintStream out, PrintStream err, boolean quiet, boolean json, boolean verbose, boolean terminal) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.json = json;
        this.verbose = verbose;
        this.terminal = terminal;
    }

    /** A message for a person (stderr), unless {@code --quiet}. */
    void info(String message) {
        if (!quiet) {
            err.println(TerminalText.printable(message));
        }
    }

    /** A result line (stdout). */
    void result(String line) {
        out.println(TerminalText.printable(line));
    }

    /** Makes this a long operation's output: with {@code --json}, status lines, then the result as the summary. */
    JsonLinesProgress streamJsonLines() {
        if (json && jsonLines == null) {
            jsonLines = new JsonLinesProgress(out, quiet);
        }
        return jsonLines;
    }

    void json(Object value) {
        if (jsonLines != null) {
            jsonLines.write(JsonLinesProgress.summary(value));
            return;
        }
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * What a listing command prints: under {@code --json} the items as {@code json} maps them, else {@code none}
     * when there are none, else a table of one {@code row} per item.
     */
    <T> void listing(List<T> items, Function<? super T, ?> json, Runnable none, List<String> header,
                     Function<? super T, List<String>> row) {
        if (this.json) {
            json(items.stream().map(json).toList());
        } else if (items.isEmpty()) {
            none.run();
        } else {
            table(header, items.stream().<List<String>>map(row).toList());
        }
    }

    /** Columns padded to their widest cell; the last column is not padded. */
    void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        rows.forEach(row -> all.add(row.stream().map(TerminalText::printable).toList()));
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                sb.append(cell);
                if (i < row.size() - 1) {
                    sb.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
