package io.backupkit.cli;

import io.backupkit.api.BackupEvent;
import io.backupkit.api.BackupListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows {@link BackupEvent.Progress} on stderr: a bar redrawn in place on a terminal (bytes, rows, rate, ETA),
 * at most a plain line every few seconds otherwise, nothing with {@code --quiet}.
 */
final class ProgressReporter implements BackupListener {
    private static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;
    private static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final boolean enabled;
    /** Under --json on a long operation, progress goes to stdout as JSON lines instead of a bar. */
    private final JsonLinesProgress jsonLines;
    private long lastDraw;
    private int lastWidth;

    ProgressReporter(Output output, JsonLinesProgress jsonLines) {
        this.err = output.err;
        this.terminal = output.terminal;
        this.enabled = !output.quiet;
        this.jsonLines = jsonLines;
    }

    @Override
    public synchronized void onEvent(BackupEvent event) {
        if (jsonLines != null) {
            jsonLines.onEvent(event);
            return;
        }
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (event instanceof BackupEvent.Started) {
            // Plain lines start only after the first interval: a quick operation prints none.
            lastDraw = terminal ? 0 : now;
        } else if (event instanceof BackupEvent.Progress p) {
            if (lastDraw != 0 && now - lastDraw < (terminal ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
                return;
            }
            lastDraw = now;
            String line = line(p);
            if (terminal) {
                err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
                lastWidth = line.length();
            } else {
                err.println(line);
            }
            err.flush();
        } else if (event instanceof BackupEvent.Finished || event instanceof BackupEvent.Failed) {
            clear();
        }
    }

    /** Removes the bar so that the next line starts clean. */
    synchronized void clear() {
        if (terminal && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }

    static String line(BackupEvent.Progress p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.operation().name().toLowerCase(Locale.ROOT)).append(' ');
        if (p.totalBytes().isPresent() && p.totalBytes().getAsLong() > 0) {
            long total = p.totalBytes().getAsLong();
            double fraction = Math.min(1.0, (double) p.bytes() / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", (int) (fraction * 100)))
                    .append(Output.bytes(p.bytes())).append(" / ").append(Output.bytes(total));
        } else {
            sb.append(Output.bytes(p.bytes()));
        }
        if (p.rows() > 0) {
            sb.append(", ").append(Output.count(p.rows())).append(" rows");
        }
        if (p.tables() > 0) {
            sb.append(", ").append(p.tables()).append(" tables");
        }
        if (p.files() > 0) {
            sb.append(", ").append(Output.count(p.files())).append(" files");
        }
        if (p.bytesPerSecond() > 0) {
            sb.append(", ").append(Output.bytes((long) p.bytesPerSecond())).append("/s");
        }
        p.eta().ifPresent(eta -> sb.append(", ETA ").append(eta(eta)));
        return sb.toString();
    }

    private static String eta(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
