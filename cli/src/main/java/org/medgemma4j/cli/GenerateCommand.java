package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medgemma generate --ids ...}: continue a token sequence exactly, in the oracle's terms. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a sequence of token ids (for exact comparison with llama.cpp).")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "IDS", description = "prompt token ids, comma-separated")
    int[] ids;

    @Option(names = "--ignore-eos", description = "keep generating past <end_of_turn>/<eos>")
    boolean ignoreEos;

    @Option(names = "--json", description = "print {\"ids\": [...], \"text\": \"...\"}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel m = model.open(spec.commandLine().getErr()); Session session = model.newSession(m)) {
            GenerationResult r = session.generate(ids, sampling.toOptions().withIgnoreEos(ignoreEos), TokenStream.NONE);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ids", r.tokens());
                o.put("text", m.tokenizer().decode(r.tokens(), false));
                out.println(new ObjectMapper().writeValueAsString(o));
            } else {
                out.println(m.tokenizer().decode(r.tokens(), false));
            }
            out.flush();
        }
        return 0;
    }
}
