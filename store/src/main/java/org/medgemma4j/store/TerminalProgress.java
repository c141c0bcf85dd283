package org.medgemma4j.store;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr with bytes, rate and ETA (me.tongfei:progressbar). */
public final class TerminalProgress implements DownloadProgress {

    private final PrintStream out;
    private ProgressBar bar;

    public TerminalProgress(PrintStream out) {
        this.out = out;
    }

    /** A bar when stdout and stderr belong to a terminal or when forced, else no output. */
    public static DownloadProgress forStderr(boolean force) {
        return force || System.console() != null && System.console().isTerminal() ? new TerminalProgress(System.err)
                : DownloadProgress.NONE;
    }

    @Override
    public void start(String name, long total, long done) {
        close();
        bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).startsFrom(done, Duration.ZERO)
                .setUnit(" MB", 1_000_000).setStyle(ProgressBarStyle.ASCII).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(out)).build();
    }

    @Override
    public void advance(long bytes) {
        if (bar != null) {
            bar.stepBy(bytes);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
