package io.backupkit.core.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The time stamp that starts every id BackupKit makes (backup ids, operation ids, schedule slot markers):
 * {@code 20260304T020000Z}, UTC to the second, so ids sort by time as text.
 */
public final class IdTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private IdTime() {
    }

    /** {@code instant} as an id time stamp. */
    public static String format(Instant instant) {
        return FORMAT.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** The instant of an id time stamp, or empty if {@code text} is not one. */
    public static Optional<Instant> parse(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text, FORMAT).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
