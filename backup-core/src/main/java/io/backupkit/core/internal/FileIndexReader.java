package io.backupkit.core.internal;

import io.backupkit.api.IntegrityException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Reads a files part's index (JSON lines, one {@link FileEntry} each) one entry at a time; every path is checked. */
final class FileIndexReader implements Iterator<FileEntry> {
    private final BufferedReader reader;
    private FileEntry next;

    FileIndexReader(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                String line;
                do {
                    line = reader.readLine();
                } while (line != null && line.isEmpty());
                if (line != null) {
                    next = Json.compact().readValue(line, FileEntry.class);
                    try {
                        ArchivePaths.segments(next.path());
                    } catch (IllegalArgumentException e) {
                        throw new IntegrityException("unsafe path in the file index: " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new IntegrityException("the file index cannot be read: " + e.getMessage(), e);
            }
        }
        return next != null;
    }

    @Override
    public FileEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        FileEntry e = next;
        next = null;
        return e;
    }
}
