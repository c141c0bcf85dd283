package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medgemma logits --ids ... --out FILE}: teacher-forced logits at every position, as the oracle's logits --all. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits at every position of a token sequence: one row of n_vocab little-endian float32 each.")
final class LogitsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "IDS", description = "token ids, comma-separated")
    int[] ids;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the rows")
    Path outFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel m = model.open(spec.commandLine().getErr()); Session session = model.newSession(m)) {
            int nVocab = m.model().config().vocabSize();
            // one batch of rows at a time, so long sequences need no more memory than short ones
            float[][] rows = new float[Math.min(model.batchSize, ids.length)][nVocab];
            ByteBuffer buf = ByteBuffer.allocate(nVocab * 4).order(ByteOrder.LITTLE_ENDIAN);
            float[] last = null;
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(outFile), 1 << 20)) {
                for (int done = 0; done < ids.length; done += rows.length) {
                    int n = Math.min(rows.length, ids.length - done);
                    session.evaluate(ids, done, n, rows);
                    for (int r = 0; r < n; r++) {
                        buf.clear();
                        buf.asFloatBuffer().put(rows[r]);
                        o.write(buf.array());
                    }
                    last = rows[n - 1]; // the rows are written here, not to the session's own logits
                }
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("positions", ids.length);
            summary.put("n_vocab", nVocab);
            summary.put("top5_last", top5(last));
            out.println(new ObjectMapper().writeValueAsString(summary));
            out.flush();
        }
        return 0;
    }

    private static List<List<Object>> top5(float[] row) {
        Integer[] idx = new Integer[row.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(row[b], row[a]));
        return java.util.stream.IntStream.range(0, 5).mapToObj(i -> List.<Object>of(idx[i], row[idx[i]])).toList();
    }
}
