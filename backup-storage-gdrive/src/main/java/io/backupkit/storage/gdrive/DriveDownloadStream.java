package io.backupkit.storage.gdrive;

import io.backupkit.api.internal.SingleByteViaBulkRead;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes {@code first..last} of a Drive file. If the connection breaks (or ends early) in the middle, the
 * rest is requested again with a {@code Range} from the current position, up to {@code maxResumes} times,
 * so a long download survives a reset without starting over. Never returns more than the range.
 */
final class DriveDownloadStream extends SingleByteViaBulkRead {
    private static final Logger LOG = LoggerFactory.getLogger(DriveDownloadStream.class);
    private final DriveStorageProvider provider;
    private final DriveFile file;
    private final long last;
    private final int maxResumes;
    private long position;
    private int resumes;
    private InputStream current;
    private boolean closed;

    /** Opens the first request eagerly, so a missing file fails here and not at the first read. */
    DriveDownloadStream(DriveStorageProvider provider, DriveFile file, long first, long last, int maxResumes) throws IOException {
        this.provider = provider;
        this.file = file;
        this.position = first;
        this.last = last;
        this.maxResumes = maxResumes;
        this.current = provider.openRange(file, first, last);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            long remaining = last - position + 1;
            if (remaining <= 0) {
                return -1;
            }
            IOException failure;
            try {
                int n = current.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    position += n;
                    return n;
                }
                failure = new IOException("Drive ended the download of " + file.id() + " at byte " + position + ", before byte " + last);
            } catch (DriveHttpException e) {
                throw e;
            } catch (IOException e) {
                failure = e;
            }
            if (resumes >= maxResumes) {
                throw failure;
            }
            resumes++;
            LOG.debug("download of Drive file {} broke at byte {} ({}); resuming ({} of {})", file.id(), position, failure.toString(), resumes, maxResumes);
            closeQuietly(current);
            current = provider.openRange(file, position, last);
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            current.close();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.trace("closing a broken download stream failed", e);
        }
    }
}
