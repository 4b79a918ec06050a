package io.backupkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a random loopback port that forwards every connection to a real server until it is told to stall;
 * from then on it forwards nothing more in either direction and closes nothing, as a hung network path or a server
 * that froze mid-conversation: the client's connection stays open, its reads wait for ever, its writes fill the
 * socket buffers. For tests that show an operation that stops making progress after login, mid-backup or
 * mid-restore fails within its timeout and gives its lock back. Closing the proxy closes every connection.
 */
public final class StallingTcpProxy implements AutoCloseable {
    private final ServerSocket socket;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong forwarded = new AtomicLong();
    private volatile long stallAt = Long.MAX_VALUE;
    private volatile long stalledAtNanos;

    private StallingTcpProxy(ServerSocket socket, String upstreamHost, int upstreamPort) {
        this.socket = socket;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        daemon("stalling-proxy-accept", this::acceptLoop).start();
    }

    /** Starts forwarding 127.0.0.1:{@link #port()} to {@code host:port}. */
    public static StallingTcpProxy to(String host, int port) {
        try {
            return new StallingTcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on the loopback address", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Stops forwarding now, in both directions, on every connection, without closing any. */
    public void stall() {
        stallAt = 0;
        synchronized (stalled) {
            if (stalled.getCount() > 0) {
                stalledAtNanos = System.nanoTime();
                stalled.countDown();
            }
        }
    }

    /** When it stalled ({@link System#nanoTime()}), or 0 while it forwards. */
    public long stalledAtNanos() {
        return isStalled() ? stalledAtNanos : 0;
    }

    /** Stalls once {@code bytes} more bytes (both directions, all connections together) have been forwarded. */
    public void stallAfterBytes(long bytes) {
        stallAt = forwarded.get() + bytes;
    }

    /** Whether it has stalled. */
    public boolean isStalled() {
        return stalled.getCount() == 0;
    }

    /** Bytes forwarded so far, both directions together. */
    public long forwardedBytes() {
        return forwarded.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket(upstreamHost, upstreamPort);
                sockets.add(client);
                sockets.add(server);
                daemon("stalling-proxy-up", () -> pump(client, server)).start();
                daemon("stalling-proxy-down", () -> pump(server, client)).start();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Copies {@code from} to {@code to} until the proxy stalls (then holds what it read) or a side closes. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                long before = forwarded.get();
                int allowed = (int) Math.max(0, Math.min(n, stallAt - before));
                if (allowed > 0) {
                    out.write(buf, 0, allowed);
                    out.flush();
                    forwarded.addAndGet(allowed);
                }
                if (allowed < n || forwarded.get() >= stallAt) {
                    stall();
                    closed.await(); // hold the rest; forward nothing more, close nothing
                    return;
                }
            }
        } catch (IOException e) {
            // a side closed: the other pump sees it too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!isStalled()) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
