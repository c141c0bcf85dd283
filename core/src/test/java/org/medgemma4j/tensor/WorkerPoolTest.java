package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexIsVisitedOnceByContiguousShares() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int n : new int[] {0, 1, 2, 3, 7, 1000}) {
                AtomicIntegerArray visits = new AtomicIntegerArray(Math.max(n, 1));
                pool.parallelFor(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        visits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(visits.get(i)).as("index %d of %d", i, n).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingShareOnTheCallingThreadStillWaitsForTheWorkers() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicBoolean workerDone = new AtomicBoolean();
            assertThatThrownBy(() -> pool.parallelFor(2, (worker, from, to) -> {
                if (worker == 0) {
                    throw new IllegalStateException("share 0 failed");
                }
                sleep(300);
                workerDone.set(true);
            })).hasMessage("share 0 failed");
            // the slow worker had finished when the failure was reported, so it cannot leak into the next task
            assertThat(workerDone).isTrue();
            AtomicIntegerArray visits = new AtomicIntegerArray(100);
            for (int round = 0; round < 50; round++) {
                pool.parallelFor(100, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        visits.incrementAndGet(i);
                    }
                });
            }
            for (int i = 0; i < 100; i++) {
                assertThat(visits.get(i)).isEqualTo(50);
            }
        }
    }

    @Test
    void aFailingWorkerIsReportedToTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(2, (worker, from, to) -> {
                if (worker == 1) {
                    throw new IllegalArgumentException("share 1 failed");
                }
            })).hasMessage("share 1 failed");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
