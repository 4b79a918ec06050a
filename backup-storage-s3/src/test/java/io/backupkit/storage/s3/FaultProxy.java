package io.backupkit.storage.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 proxy between the SDK and S3Mock that injects faults the way networks and S3 produce them:
 * a connection reset in the middle of a request body, or an S3 error answer (500 InternalError, 503 SlowDown,
 * 403, 301, ...) with the real S3 XML body. Each connection carries one request ({@code Connection: close}), and
 * {@code Expect: 100-continue} is answered here so an injected error arrives before the body, as from S3.
 */
final class FaultProxy implements AutoCloseable {

    /** One request as the proxy saw it. */
    record Request(int sequence, String method, String path, String query, Map<String, String> headers) {
        boolean isUploadPart() {
            return method.equals("PUT") && query.contains("partNumber=");
        }

        boolean isPutObject() {
            return method.equals("PUT") && !query.contains("partNumber=") && !query.contains("uploadId=");
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What to do with a request. */
    sealed interface Fault permits Pass, Reset, ErrorAnswer, Corrupt, LoseAnswer {
    }

    /** Forward it. */
    record Pass() implements Fault {
    }

    /** Read this many body bytes, then reset the connection (TCP RST). */
    record Reset(long afterBodyBytes) implements Fault {
    }

    /** Forward it with the body byte at this position flipped, as a faulty network card or proxy would. */
    record Corrupt(long bodyPosition) implements Fault {
    }

    /** Forward it, let the server process it, then reset the connection instead of passing the answer on. */
    record LoseAnswer() implements Fault {
    }

    /** Answer with this status, S3 error code and message, extra headers and optional extra XML elements. */
    record ErrorAnswer(int status, String code, String message, Map<String, String> headers, String extraXml)
            implements Fault {
        static ErrorAnswer of(int status, String code, String message) {
            return new ErrorAnswer(status, code, message, Map.of(), "");
        }
    }

    /** Decides the fault for each request. */
    @FunctionalInterface
    interface Plan {
        Fault decide(Request request);
    }

    static final Fault PASS = new Pass();

    private final URI upstream;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger sequence = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private volatile Plan plan = request -> PASS;

    FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        connections.submit(this::acceptLoop);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void plan(Plan plan) {
        this.plan = plan;
    }

    /** "METHOD path?query -> outcome" for every request so far. */
    List<String> log() {
        return new ArrayList<>(log);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.submit(() -> handle(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            String target = requestLine[1];
            int q = target.indexOf('?');
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            Request request = new Request(sequence.incrementAndGet(), requestLine[0],
                    q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1), headers);
            long bodyLength = headers.containsKey("content-length") ? Long.parseLong(headers.get("content-length")) : 0;
            if (headers.containsKey("transfer-encoding")) {
                throw new IllegalStateException("the fault proxy does not handle chunked request bodies");
            }
            boolean expectContinue = "100-continue".equalsIgnoreCase(headers.get("expect"));
            Fault fault = plan.decide(request);
            String describe = request.method() + " " + target;
            if (fault instanceof ErrorAnswer error) {
                log.add(describe + " -> " + error.status() + " " + error.code());
                if (!expectContinue) {
                    in.skipNBytes(bodyLength);
                }
                answer(out, error, request);
                return;
            }
            if (expectContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            if (fault instanceof Reset reset) {
                log.add(describe + " -> reset after " + reset.afterBodyBytes() + " body bytes");
                in.skipNBytes(Math.min(bodyLength, reset.afterBodyBytes()));
                client.setSoLinger(true, 0); // close with RST: "connection reset by peer"
                return;
            }
            if (fault instanceof LoseAnswer) {
                log.add(describe + " -> forwarded, answer lost");
                forward(lines, in, OutputStream.nullOutputStream(), bodyLength, -1);
                client.setSoLinger(true, 0);
                return;
            }
            long flip = fault instanceof Corrupt corrupt ? corrupt.bodyPosition() : -1;
            log.add(describe + (flip >= 0 ? " -> forwarded with body byte " + flip + " flipped" : " -> forwarded"));
            forward(lines, in, out, bodyLength, flip);
        } catch (IOException e) {
            log.add("proxy connection failed: " + e);
        }
    }

    private void forward(String[] lines, InputStream in, OutputStream out, long bodyLength, long flip)
            throws IOException {
        try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
            StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:") || lower.startsWith("expect:")) {
                    continue;
                }
                head.append(lines[i]).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream upOut = up.getOutputStream();
            upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            copy(in, upOut, bodyLength, flip);
            upOut.flush();
            up.getInputStream().transferTo(out);
            out.flush();
        }
    }

    private static void copy(InputStream in, OutputStream out, long length, long flip) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        long position = 0;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("client closed the request body early");
            }
            if (flip >= position && flip < position + n) {
                buffer[(int) (flip - position)] ^= 0x5a;
            }
            position += n;
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void answer(OutputStream out, ErrorAnswer error, Request request) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + error.code() + "</Code><Message>"
                + error.message() + "</Message>" + error.extraXml() + "<RequestId>4442587FB7D0A2F9</RequestId>"
                + "<HostId>fault-proxy</HostId></Error>").getBytes(StandardCharsets.UTF_8);
        boolean head = request.method().equals("HEAD");
        StringBuilder response = new StringBuilder("HTTP/1.1 ").append(error.status()).append(' ')
                .append(reason(error.status())).append("\r\n")
                .append("x-amz-request-id: 4442587FB7D0A2F9\r\n")
                .append("Content-Type: application/xml\r\n")
                .append("Content-Length: ").append(head ? 0 : body.length).append("\r\n")
                .append("Connection: close\r\n");
        error.headers().forEach((name, value) -> response.append(name).append(": ").append(value).append("\r\n"));
        response.append("\r\n");
        out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 301 -> "Moved Permanently";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 503 -> "Slow Down";
            default -> "Error";
        };
    }

    /** The request head up to the blank line, or null if the client closed first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}
