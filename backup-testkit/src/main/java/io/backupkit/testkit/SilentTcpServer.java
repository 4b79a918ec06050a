package io.backupkit.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on a random loopback port that accepts every connection and never sends a byte: a hung database
 * server or a black-holing proxy, for tests that show an operation fails within its timeout instead of waiting for
 * ever. Closing it closes the connections it accepted.
 */
public final class SilentTcpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private SilentTcpServer(ServerSocket socket) {
        this.socket = socket;
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    accepted.add(socket.accept()); // and never send a byte
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "silent-tcp-server");
        t.setDaemon(true);
        t.start();
    }

    /** Starts listening on 127.0.0.1 at a free port. */
    public static SilentTcpServer start() {
        try {
            return new SilentTcpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on the loopback address", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return socket.getLocalPort();
    }

    /** How many connections it has accepted so far. */
    public int acceptedConnections() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
