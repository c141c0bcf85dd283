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
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.vision.MediaPrompt;
import org.medgemma4j.vision.VisionModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medgemma logits --ids ... --out FILE}: teacher-forced logits at every position, as the oracle's logits
 * --all; {@code --prompt TEXT --image FILE} the same for a prompt with images, as llama.cpp's mtmd takes it.
 */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits at every position of a token sequence, or of a raw prompt with images: one row of "
                + "n_vocab little-endian float32 each (the last row is the last position).")
final class LogitsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--ids", split = ",", paramLabel = "IDS", description = "token ids, comma-separated")
    int[] ids;

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "raw text instead of --ids (BOS added, special tokens parsed), <__media__> where each --image goes")
    String prompt;

    @Option(names = "--embd-out", paramLabel = "FILE",
            description = "where to write the images' projector output (per image: n_image_tokens x n_embd float32)")
    Path embdOut;

    @Mixin
    ImageOptions image;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the rows")
    Path outFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if ((ids == null) == (prompt == null)) {
            throw new IllegalArgumentException("give the tokens with --ids or the text with --prompt (one of them)");
        }
        if (ids != null && (image.any() || embdOut != null)) {
            throw new IllegalArgumentException("--image and --embd-out go with --prompt, not --ids");
        }
        if (embdOut != null && !image.any()) {
            throw new IllegalArgumentException("--embd-out needs an --image");
        }
        try (LoadedModel m = model.open(spec.commandLine().getErr());
             VisionModel vision = image.openIfImages(m, spec.commandLine().getErr());
             Session session = model.newSession(m, vision == null ? 1 : vision.config().tokenCount())) {
            int nVocab = m.model().config().vocabSize();
            List<float[]> embeddings = vision == null ? List.of() : ImageOptions.embed(vision, image.images);
            MediaPrompt input = ids != null ? new MediaPrompt(ids, List.of())
                    : MediaPrompt.build(m.tokenizer(), prompt, embeddings, vision == null ? 0 : vision.config().tokenCount(), true);
            if (embdOut != null) {
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(embdOut), 1 << 20)) {
                    for (float[] e : embeddings) {
                        write(o, e);
                    }
                }
            }
            int[] tokens = input.tokens();
            if (tokens.length >= session.contextLength()) {
                throw new IllegalArgumentException("the prompt is " + tokens.length + " tokens; the context holds "
                        + session.contextLength() + " (--ctx-size)");
            }
            // one batch (or image) of rows at a time, so long sequences need no more memory than short ones
            int rowCount = Math.min(model.batchSize, tokens.length);
            for (ImageSpan span : input.images()) {
                rowCount = Math.max(rowCount, span.count());
            }
            float[][] rows = new float[rowCount][nVocab];
            float[] last = null;
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(outFile), 1 << 20)) {
                int done = 0;
                for (int i = 0; i <= input.images().size(); i++) {
                    ImageSpan span = i < input.images().size() ? input.images().get(i) : null;
                    int textEnd = span == null ? tokens.length : span.start();
                    for (; done < textEnd; ) {
                        int n = Math.min(Math.min(model.batchSize, rows.length), textEnd - done);
                        session.evaluate(tokens, done, n, rows);
                        for (int r = 0; r < n; r++) {
                            write(o, rows[r]);
                        }
                        last = rows[n - 1]; // the rows are written here, not to the session's own logits
                        done += n;
                    }
                    if (span != null) {
                        session.evaluateImage(span, rows);
                        for (int r = 0; r < span.count(); r++) {
                            write(o, rows[r]);
                        }
                        last = rows[span.count() - 1];
                        done = span.end();
                    }
                }
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("positions", tokens.length);
            if (!input.images().isEmpty()) {
                summary.put("images", input.images().stream().map(s -> Map.of("start", s.start(), "tokens", s.count())).toList());
                summary.put("n_embd", m.model().config().embeddingLength());
            }
            summary.put("n_vocab", nVocab);
            summary.put("top5_last", top5(last));
            out.println(new ObjectMapper().writeValueAsString(summary));
            out.flush();
        }
        return 0;
    }

    private static void write(OutputStream o, float[] row) throws java.io.IOException {
        ByteBuffer buf = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(row);
        o.write(buf.array());
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
