package org.medgemma4j.evaluation;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar (me.tongfei:progressbar, as pull draws) with the running accuracy beside it. */
public final class ProgressBarProgress implements Progress {

    private final PrintStream out;
    private ProgressBar bar;

    public ProgressBarProgress(PrintStream out) {
        this.out = out;
    }

    /** A bar on stderr when it is a terminal or when forced, else nothing. */
    public static Progress forStderr(boolean force) {
        return force || System.console() != null && System.console().isTerminal() ? new ProgressBarProgress(System.err) : NONE;
    }

    @Override
    public void start(String task, int total, int resumed, Tally tally) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(resumed, Duration.ZERO)
                .setUnit(" items", 1).setStyle(ProgressBarStyle.ASCII).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(out)).build();
        bar.setExtraMessage(message(tally));
    }

    @Override
    public void advance(Tally tally) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(message(tally));
        }
    }

    private static String message(Tally t) {
        return t.n() == 0 ? "" : String.format(Locale.ROOT, "acc %.1f%% (%d unparsed)", 100 * t.accuracy(), t.unparsed());
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
