package org.medgemma4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.privacy.audit.AnswerAudit;
import org.medgemma4j.server.AnswerListener;

/**
 * serve --audit: one audit line per answer, in the order the answers end, written by a thread of its own so that
 * no response waits for the file (or for the first SHA-256 of a 16 GB model). Closing it writes every record
 * still queued before it returns.
 */
final class ServeAudit implements AnswerListener, AutoCloseable {

    private final AnswerAudit audit;
    private final PrintWriter err;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "medgemma-audit");
        t.setDaemon(true);
        return t;
    });

    ServeAudit(AnswerAudit audit, PrintWriter err) {
        this.audit = audit;
        this.err = err;
    }

    @Override
    public void answered(LoadedModel model, String prompt, int images, GenerationOptions options, GenerationResult result) {
        try {
            writer.execute(() -> {
                try {
                    audit.record("serve", model.model(), options, null, prompt, images, result);
                } catch (IOException | RuntimeException e) {
                    complain(e);
                }
            });
        } catch (RejectedExecutionException e) {
            complain(new IOException("the server is closing; an answer ended after the audit log closed"));
        }
    }

    private void complain(Exception e) {
        synchronized (err) {
            err.println("medgemma: audit: cannot write " + audit.log().file() + ": " + e.getMessage());
            err.flush();
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            while (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                synchronized (err) {
                    err.println("medgemma: audit: still writing the last records to " + audit.log().file());
                    err.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
