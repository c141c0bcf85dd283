package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.medgemma4j.tensor.KernelChoice;
import org.medgemma4j.tensor.NativeIntegerKernels;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.testing.Logits;

/**
 * The pure-Java integer kernels ({@code java-int}) and the native ones give the same model outputs bit for bit:
 * prompt tokens (the native batch product against the Java reference one vector at a time), a single sequence's
 * steps and two sequences stepping together.
 */
class IntegerKernelChoicesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q4_K_M"})
    void javaIntAndNativeGiveTheSameLogits(String fileType) throws Exception {
        assumeTrue(NativeIntegerKernels.load().isPresent(), "native kernels: " + NativeIntegerKernels.unavailableReason());
        KernelChoice before = KernelChoice.current();
        try {
            KernelChoice.select(KernelChoice.NATIVE);
            List<float[]> nat = logits(fileType);
            KernelChoice.select(KernelChoice.JAVA_INT);
            List<float[]> javaInt = logits(fileType);
            assertThat(javaInt).hasSameSizeAs(nat);
            for (int i = 0; i < nat.size(); i++) {
                assertThat(Arrays.mismatch(javaInt.get(i), nat.get(i))).as("logits row %d: first differing logit", i).isEqualTo(-1);
            }
        } finally {
            KernelChoice.select(before);
        }
    }

    /** Every logits row of: a 13-token prompt in passes of 9 and 4, three steps of it, then two sequences together. */
    private static List<float[]> logits(String fileType) throws Exception {
        int vocab = 262144;
        int[] prompt = Logits.probeSequence(13);
        List<float[]> rows = new ArrayList<>();
        try (WorkerPool pool = new WorkerPool(2); Gemma3Model model = Gemma3Model.load(BatchedDecodeTest.fixture(fileType))) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 16);
            try (KvCache a = inf.newCache(32); KvCache b = inf.newCache(32)) {
                float[][] all = new float[prompt.length][vocab];
                inf.forward(a, prompt, 0, 9, 0, null, Arrays.copyOfRange(all, 0, 9));
                inf.forward(a, prompt, 9, 4, 9, null, Arrays.copyOfRange(all, 9, 13));
                rows.addAll(Arrays.asList(all));
                float[] last = all[12].clone();
                for (int i = 0; i < 3; i++) {
                    inf.step(a, Logits.argmax(last), prompt.length + i, last);
                    rows.add(last.clone());
                }
                float[][] two = {new float[vocab], new float[vocab]};
                inf.forward(b, prompt, 0, 5, 0, two[1], null);
                int[] tokens = {Logits.argmax(last), Logits.argmax(two[1])};
                int[] positions = {prompt.length + 3, 5};
                inf.forward(tokens, positions, new KvCache[] {a, b}, two, 2, 2);
                rows.add(two[0]);
                rows.add(two[1]);
            }
        }
        return rows;
    }
}
