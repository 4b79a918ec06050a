package io.backupkit.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One timed run of one tool.
 *
 * @param wallSeconds elapsed time
 * @param cpuSeconds  user + system CPU time of the process tree (getrusage of the waited-for children)
 * @param serverCpuSeconds CPU time the database server spent meanwhile (0 for file runs)
 * @param peakRssKb   largest resident set of any process of the tree, in KiB
 * @param outputBytes size of what the run wrote (backup size), 0 for restores
 */
record Sample(double wallSeconds, double cpuSeconds, double serverCpuSeconds, long peakRssKb, long outputBytes) {

    /** Parses the one line {@code /usr/bin/time -f "%e %U %S %M"} writes: elapsed, user, system, max RSS KiB. */
    static Sample fromTimeOutput(String text, long outputBytes, double serverCpuSeconds) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip(); // earlier lines: "Command exited with non-zero status"
        String[] f = last.split("\\s+");
        if (f.length != 4) {
            throw new IllegalArgumentException("unexpected /usr/bin/time output: " + text);
        }
        return new Sample(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]), serverCpuSeconds,
                Long.parseLong(f[3]), outputBytes);
    }

    /** Median of one measure over runs (mean of the two middle values for an even count). */
    static double median(List<Sample> samples, ToDoubleFunction<Sample> measure) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] v = samples.stream().mapToDouble(measure).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
