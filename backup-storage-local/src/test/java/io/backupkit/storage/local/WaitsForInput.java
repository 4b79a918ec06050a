package io.backupkit.storage.local;

import java.io.IOException;

/** Main class of a child JVM that runs until its standard input is closed: a process the tests can keep alive or end. */
final class WaitsForInput {
    private WaitsForInput() {
    }

    public static void main(String[] args) throws IOException {
        while (System.in.read() >= 0) {
            // wait for end of input
        }
    }
}
