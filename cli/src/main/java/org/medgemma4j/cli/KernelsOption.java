package org.medgemma4j.cli;

import org.medgemma4j.tensor.KernelChoice;
import picocli.CommandLine.Option;

/** {@code --kernels}: which decode kernels run, for every command that runs a model (one definition, one wording). */
final class KernelsOption {

    @Option(names = "--kernels", paramLabel = "KIND",
            description = "matrix-product and attention kernels: auto (default: native integer kernels where built and the "
                    + "CPU runs them, else java), java (pure-Java float kernels), java-int (pure-Java integer kernels, "
                    + "llama.cpp's arithmetic), native")
    void kernels(String kind) {
        KernelChoice.select(KernelChoice.parse(kind));
    }
}
