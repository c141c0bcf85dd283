package org.medgemma4j.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Notices a client that hangs up while its non-streamed answer is being generated, as llama.cpp's server
 * does. Jetty learns of a closed connection only when it reads or writes, and a whole answer writes
 * nothing until it is done; so the watch asks to be told when the connection becomes readable. An HTTP/1.1
 * client sends nothing while it waits for the answer to a POST (RFC 9112 9.3.2: no pipelining after a
 * non-idempotent request), so readable means the end of the stream: the client is gone.
 * <p>
 * A client that pipelines anyway has the first byte of its next request read here: that byte cannot be
 * given back to Jetty, so the connection is closed after this answer ({@link #mustClose()}) rather than
 * misread. HTTP/2 multiplexes streams on one connection, so it is not watched this way.
 */
final class HangUpWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HangUpWatch.class.getName());

    private final AbstractEndPoint endPoint;
    private final Runnable onHangUp;
    private boolean closed;
    /** Whether our callback is registered (never cancel an interest that is Jetty's own). */
    private boolean interested;
    private volatile boolean hungUp;
    private volatile boolean mustClose;

    private HangUpWatch(AbstractEndPoint endPoint, Runnable onHangUp) {
        this.endPoint = endPoint;
        this.onHangUp = onHangUp;
    }

    /** Starts watching the request's connection; {@code onHangUp} runs (once) on a Jetty thread. */
    static HangUpWatch start(Request request, Runnable onHangUp) {
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if ((version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0)
                || !(endPoint instanceof AbstractEndPoint watched)) {
            return new HangUpWatch(null, onHangUp);
        }
        HangUpWatch watch = new HangUpWatch(watched, onHangUp);
        watch.listen();
        return watch;
    }

    private synchronized void listen() {
        // false when Jetty itself is already waiting to read (it then sees the close on its own)
        interested = endPoint.tryFillInterested(new Readable());
    }

    /** Whether the client hung up while watched. */
    boolean hungUp() {
        return hungUp;
    }

    /** Whether the client sent bytes of another request meanwhile, one of which was consumed here. */
    boolean mustClose() {
        return mustClose;
    }

    /** Stops watching before the answer goes out, so the connection's own reads find no interest of ours. */
    @Override
    public synchronized void close() {
        closed = true;
        if (interested) {
            interested = false;
            endPoint.getFillInterest().onFail(new CancellationException("answer complete"));
        }
    }

    private final class Readable implements Callback {
        @Override
        public void succeeded() {
            synchronized (HangUpWatch.this) {
                interested = false;
                if (closed) {
                    return;
                }
                try {
                    ByteBuffer one = ByteBuffer.allocate(1).flip();
                    int read = endPoint.fill(one);
                    if (read < 0) {
                        hungUp = true;
                    } else if (read > 0) {
                        mustClose = true;
                        LOG.log(System.Logger.Level.WARNING, "a client sent another request before the answer"
                                + " to its POST; the connection closes after this answer");
                    } else {
                        // nothing after all (a spurious wake-up): keep watching
                        listen();
                    }
                } catch (IOException e) {
                    hungUp = true; // a reset connection
                }
            }
            if (hungUp) {
                onHangUp.run();
            }
        }

        @Override
        public void failed(Throwable cause) {
            synchronized (HangUpWatch.this) {
                interested = false;
            }
            // cancelled by close(), or the connection failed: then the answer's write will fail too
        }
    }
}
