package io.backupkit.core.internal;

import io.backupkit.api.IntegrityException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a files part's index (JSON lines, one {@link FileEntry} each) one entry at a time; every path is checked. */
final class FileIndexReader extends LookaheadIterator<FileEntry> {
    private final BufferedReader reader;

    FileIndexReader(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    FileEntry computeNext() {
        try {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && line.isEmpty());
            if (line == null) {
                return null;
            }
            FileEntry next = Json.compact().readValue(line, FileEntry.class);
            try {
                ArchivePaths.segments(next.path());
            } catch (IllegalArgumentException e) {
                throw new IntegrityException("unsafe path in the file index: " + e.getMessage());
            }
            return next;
        } catch (IOException e) {
            throw new IntegrityException("the file index cannot be read: " + e.getMessage(), e);
        }
    }
}
