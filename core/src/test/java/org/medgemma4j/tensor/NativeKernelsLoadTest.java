package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Where the build compiled the native kernels for this CPU, they load (so IntegerKernelsOracleTest compares
 * them with ggml too, rather than silently testing the Java kernels alone).
 */
class NativeKernelsLoadTest {

    @Test
    void builtLibraryLoadsOnACpuThatRunsIt() {
        boolean built = NativeKernelsLoadTest.class.getResource("/native/linux-x86_64/libmedgemma-kernels-avx2.so") != null;
        assumeTrue(built, "native kernels not built here (no C compiler or not x86-64)");
        assumeTrue(CpuFeatures.flags().containsAll(java.util.Set.of("avx2", "fma", "f16c")), "CPU without AVX2/FMA/F16C");
        assumeTrue(!"off".equals(System.getProperty("medgemma.native.kernels")), "disabled by property");
        assertThat(NativeIntegerKernels.load()).as(NativeIntegerKernels.unavailableReason()).isPresent();
        assertThat(IntegerKernels.available()).extracting(IntegerKernels::name).containsExactly("java", "native");
    }
}
