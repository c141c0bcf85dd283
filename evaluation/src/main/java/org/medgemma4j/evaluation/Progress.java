package org.medgemma4j.evaluation;

/** Told how a run advances (a progress bar with running accuracy, or nothing). */
public interface Progress extends AutoCloseable {

    /** {@code total} items, of which {@code resumed} were already in the results file. */
    void start(String task, int total, int resumed, Tally tally);

    /** One more item scored; {@code tally} holds every scored item, resumed ones included. */
    void advance(Tally tally);

    @Override
    void close();

    Progress NONE = new Progress() {
        @Override
        public void start(String task, int total, int resumed, Tally tally) {
        }

        @Override
        public void advance(Tally tally) {
        }

        @Override
        public void close() {
        }
    };
}
