package org.medgemma4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.sampling.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling and stopping options, with Gemma 3's defaults. */
final class SamplingOptions {

    @Option(names = {"--temp", "--temperature"}, paramLabel = "T", description = "temperature; 0 is greedy (default ${DEFAULT-VALUE})")
    float temperature = 1.0f;

    @Option(names = "--top-k", paramLabel = "K", description = "top-k, 0 disables (default ${DEFAULT-VALUE})")
    int topK = 64;

    @Option(names = "--top-p", paramLabel = "P", description = "top-p (default ${DEFAULT-VALUE})")
    float topP = 0.95f;

    @Option(names = "--min-p", paramLabel = "P", description = "min-p (default ${DEFAULT-VALUE})")
    float minP = 0.0f;

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "repeat penalty, 1 disables (default ${DEFAULT-VALUE})")
    float repeatPenalty = 1.0f;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the repeat penalty looks back (default ${DEFAULT-VALUE})")
    int repeatLastN = 64;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", description = "random seed (default: random)")
    Long seed;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens to generate, -1 until the model stops (default ${DEFAULT-VALUE})")
    int maxTokens = -1;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop before this text (repeatable)")
    List<String> stop = new ArrayList<>();

    GenerationOptions toOptions() {
        long s = seed != null ? seed : System.nanoTime();
        SamplingParams p = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s);
        return new GenerationOptions(maxTokens, p, stop, false);
    }
}
