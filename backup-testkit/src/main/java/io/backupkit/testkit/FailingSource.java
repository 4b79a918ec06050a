package io.backupkit.testkit;

import java.io.IOException;

/** A one-shot source whose stream fails after {@code failAt} bytes, like a dump whose database connection drops. */
final class FailingSource extends InterruptedSource {
    private final boolean unchecked;

    /** @param unchecked whether the failure is an unchecked exception rather than an {@link IOException} */
    FailingSource(long seed, long size, long failAt, boolean unchecked) {
        super(seed, size, failAt);
        this.unchecked = unchecked;
    }

    @Override
    void atStop(long position) throws IOException {
        if (unchecked) {
            throw new IllegalStateException("test source failed after " + position + " bytes");
        }
        throw new IOException("test source failed after " + position + " bytes");
    }
}
