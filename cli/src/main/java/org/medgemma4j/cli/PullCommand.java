package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medgemma4j.store.DownloadProgress;
import org.medgemma4j.store.HfClient;
import org.medgemma4j.store.ModelRef;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.Puller;
import org.medgemma4j.store.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma pull REF}: download a model from Hugging Face into the store, resumable and verified. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a GGUF from Hugging Face (hf.co/ORG/REPO:QUANT, ORG/REPO/FILE.gguf or a catalog name). "
                + "HF_TOKEN for gated repositories, HF_ENDPOINT to use a mirror, MEDGEMMA_HOME for the store.")
final class PullCommand implements Callable<Integer> {

    @Parameters(paramLabel = "REF", description = "what to download")
    String ref;

    @Option(names = "--progress", description = "draw the progress bar even when stderr is not a terminal")
    boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DownloadProgress bar = TerminalProgress.forStderr(progress);
        for (Puller.Pulled p : new Puller(ModelStore.fromEnvironment(), HfClient.fromEnvironment(), bar).pull(ModelRef.parse(ref))) {
            out.println((p.downloaded() ? "pulled " : "already present ") + (p.imageEncoder() ? "image encoder " : "")
                    + p.file() + " -> " + p.path());
        }
        out.flush();
        return 0;
    }
}
