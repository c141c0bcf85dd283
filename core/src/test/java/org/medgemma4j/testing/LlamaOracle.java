package org.medgemma4j.testing;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * llama.cpp as the tests' reference, called in-process through {@link LlamaCpp}: what a test compares our
 * engine with. Each operation loads the model, runs, and frees it (vocabularies are kept per file, since
 * tokenizer tests make thousands of calls), on the CPU with flash attention left at llama.cpp's default, two
 * threads unless given. Calls are serialised: llama.cpp's global state is not meant for concurrent loads.
 *
 * <p>A failure throws {@link OracleException} carrying llama.cpp's own recent log lines and return code.
 */
public final class LlamaOracle {

    /** llama_ftype by the names llama-quantize takes. */
    private static final Map<String, Integer> FILE_TYPES = Map.ofEntries(
            Map.entry("F32", 0), Map.entry("F16", 1), Map.entry("Q4_0", 2), Map.entry("Q4_1", 3), Map.entry("Q8_0", 7),
            Map.entry("Q5_0", 8), Map.entry("Q5_1", 9), Map.entry("Q2_K", 10), Map.entry("Q3_K_S", 11),
            Map.entry("Q3_K_M", 12), Map.entry("Q3_K_L", 13), Map.entry("Q4_K_S", 14), Map.entry("Q4_K_M", 15),
            Map.entry("Q5_K_S", 16), Map.entry("Q5_K_M", 17), Map.entry("Q6_K", 18), Map.entry("BF16", 32));

    public static final int DEFAULT_THREADS = 2;

    private static final Map<Path, MemorySegment> VOCAB_MODELS = new HashMap<>();

    /** A failed llama.cpp call: the message holds its return code and llama.cpp's recent log. */
    public static final class OracleException extends IllegalStateException {
        OracleException(String message) {
            super(message + LlamaCpp.recentLog());
        }
    }

    /**
     * llama.cpp's bench figures: prefill and decode tokens/s, medians over the repetitions, and the untimed
     * warm-up's prefill (-1 without one).
     */
    public record Bench(int threads, int prompt, int gen, double prefillTokS, double decodeTokS, double warmupPrefillTokS,
                        long modelBytes) {
        /** The JSON line bench/compare.sh reads (the fields our own bench prints). */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"engine\": \"llama.cpp\", \"threads\": %d, \"prompt\": %d, \"gen\": %d, "
                    + "\"prefill_tok_s\": %.2f, \"decode_tok_s\": %.2f, \"warmup\": %b, \"warmup_prefill_tok_s\": %.2f, "
                    + "\"model_bytes\": %d}",
                    threads, prompt, gen, prefillTokS, decodeTokS, warmupPrefillTokS > 0, Math.max(0, warmupPrefillTokS),
                    modelBytes);
        }
    }

    private LlamaOracle() {
    }

    /** llama_tokenize: the ids of {@code text}, with BOS when {@code addBos}, control tokens parsed when {@code special}. */
    public static synchronized int[] tokenize(Path model, String text, boolean addBos, boolean special) {
        LlamaCpp l = LlamaCpp.get();
        MemorySegment vocab = vocab(model);
        try (Arena a = Arena.ofConfined()) {
            byte[] raw = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment bytes = a.allocate(Math.max(1, raw.length));
            MemorySegment.copy(raw, 0, bytes, ValueLayout.JAVA_BYTE, 0, raw.length);
            int cap = raw.length + 16;
            MemorySegment ids = a.allocate(ValueLayout.JAVA_INT, cap);
            int n = (int) l.tokenize.invokeExact(vocab, bytes, raw.length, ids, cap, addBos, special);
            if (n < 0) {
                throw new OracleException("llama_tokenize returned " + n + " for " + raw.length + " bytes");
            }
            return ids.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_INT);
        } catch (OracleException e) {
            throw e;
        } catch (Throwable t) {
            throw new OracleException("llama_tokenize failed: " + t);
        }
    }

    /** The text of {@code ids}: llama_token_to_piece of each (control tokens rendered), bytes joined, then decoded. */
    public static synchronized String detokenize(Path model, int[] ids) {
        LlamaCpp l = LlamaCpp.get();
        MemorySegment vocab = vocab(model);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            for (int id : ids) {
                int n = (int) l.tokenToPiece.invokeExact(vocab, id, buf, 256, 0, true);
                if (n < 0) {
                    throw new OracleException("llama_token_to_piece returned " + n + " for token " + id);
                }
                out.writeBytes(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            }
        } catch (OracleException e) {
            throw e;
        } catch (Throwable t) {
            throw new OracleException("llama_token_to_piece failed: " + t);
        }
        return decodeReplacingMaximalSubparts(out.toByteArray());
    }

    /**
     * UTF-8 with each maximal ill-formed subpart replaced by one U+FFFD (Unicode's recommended practice, Table
     * 3-8, and what Python's errors="replace" does); the JDK's decoder replaces some sequences byte by byte.
     * Written here, independent of the engine's own decoder, so the comparison is not circular.
     */
    static String decodeReplacingMaximalSubparts(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                sb.append((char) b0);
                i++;
                continue;
            }
            int len;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                len = 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                len = 3;
                lo = b0 == 0xE0 ? 0xA0 : 0x80;
                hi = b0 == 0xED ? 0x9F : 0xBF;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                len = 4;
                lo = b0 == 0xF0 ? 0x90 : 0x80;
                hi = b0 == 0xF4 ? 0x8F : 0xBF;
            } else {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int cp = b0 & (0xFF >> (len + 1));
            int j = 1;
            for (; j < len; j++) {
                if (i + j >= b.length) {
                    break;
                }
                int c = b[i + j] & 0xFF;
                boolean ok = j == 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xBF;
                if (!ok) {
                    break;
                }
                cp = cp << 6 | (c & 0x3F);
            }
            if (j == len) {
                sb.appendCodePoint(cp);
            } else {
                sb.append('\uFFFD');
            }
            i += j;
        }
        return sb.toString();
    }

    /**
     * The logits rows of {@code ids}: with {@code everyPosition}, one row per token, fed one token at a time;
     * otherwise the last position's row after one batch.
     */
    public static synchronized float[][] logits(Path model, int[] ids, boolean everyPosition) {
        try (Run r = new Run(model, DEFAULT_THREADS, Math.max(64, ids.length + 8), false)) {
            if (!everyPosition) {
                r.decode(ids);
                return new float[][] {r.row()};
            }
            float[][] rows = new float[ids.length][];
            for (int i = 0; i < ids.length; i++) {
                r.decode(new int[] {ids[i]});
                rows[i] = r.row();
            }
            return rows;
        }
    }

    /** Greedy continuation: {@code n} tokens, each the argmax of the last logits (EOS not special). */
    public static synchronized int[] generate(Path model, int[] ids, int n) {
        try (Run r = new Run(model, DEFAULT_THREADS, ids.length + n + 8, false)) {
            r.decode(ids);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = Logits.argmax(r.row());
                r.decode(new int[] {out[i]});
            }
            return out;
        }
    }

    /** llama_model_quantize: {@code in} written to {@code out} as {@code fileType} (Q4_K_M, Q8_0, ...), llama.cpp's own mix. */
    public static synchronized void quantize(Path in, Path out, String fileType) {
        Integer ftype = FILE_TYPES.get(fileType);
        if (ftype == null) {
            throw new IllegalArgumentException("unknown llama.cpp file type " + fileType + "; known: " + FILE_TYPES.keySet());
        }
        LlamaCpp l = LlamaCpp.get();
        LlamaCpp.clearLog();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = (MemorySegment) l.quantizeDefaultParams.invokeExact((SegmentAllocator) a);
            set(LlamaCpp.QUANTIZE_PARAMS, params, "ftype", ftype);
            set(LlamaCpp.QUANTIZE_PARAMS, params, "nthread", DEFAULT_THREADS);
            int rc = (int) l.quantize.invokeExact(a.allocateFrom(in.toString()), a.allocateFrom(out.toString()), params);
            if (rc != 0) {
                throw new OracleException("llama_model_quantize(" + in + " -> " + out + ", " + fileType + ") returned " + rc);
            }
        } catch (OracleException e) {
            throw e;
        } catch (Throwable t) {
            throw new OracleException("llama_model_quantize failed: " + t);
        }
    }

    /**
     * llama.cpp's speed on {@code model}: a prompt of {@code prompt} tokens in one batch, then {@code gen} single-token
     * steps, {@code reps} times; medians. Ordinary vocabulary ids, as our own bench uses. With {@code warmup}, first
     * an untimed run of the prompt and one step, as llama-bench does unless told {@code --no-warmup}.
     */
    public static synchronized Bench bench(Path model, int prompt, int gen, int threads, int reps, boolean warmup) {
        try (Run r = new Run(model, threads, prompt + gen + 8, false)) {
            int span = Math.max(1, r.nVocab - 2000);
            int[] ids = new int[prompt];
            ids[0] = r.bos();
            for (int i = 1; i < prompt; i++) {
                ids[i] = 1000 + (int) ((i * 7919L) % span);
            }
            double warmupPrefill = -1;
            if (warmup) {
                r.clear();
                long t0 = System.nanoTime();
                r.decode(ids);
                warmupPrefill = prompt / ((System.nanoTime() - t0) / 1e9);
                if (gen > 0) {
                    r.decode(new int[] {1000});
                }
            }
            double[] pp = new double[reps];
            double[] tg = new double[reps];
            for (int k = 0; k < reps; k++) {
                r.clear();
                long t0 = System.nanoTime();
                r.decode(ids);
                long t1 = System.nanoTime();
                for (int i = 0; i < gen; i++) {
                    r.decode(new int[] {1000 + (int) ((i * 104729L) % span)});
                }
                long t2 = System.nanoTime();
                pp[k] = prompt / ((t1 - t0) / 1e9);
                tg[k] = gen / ((t2 - t1) / 1e9);
            }
            return new Bench(threads, prompt, gen, median(pp), median(tg), warmupPrefill, r.modelBytes());
        }
    }

    /**
     * The model's pooled sentence embedding of {@code text} (an embedding model such as EmbeddingGemma, arch
     * gemma-embedding), L2-normalised; the whole input in one pass, as a bidirectional encoder needs.
     */
    public static synchronized float[] embed(Path model, String text, boolean addBos, boolean special) {
        int[] ids = tokenize(model, text, addBos, special);
        try (Run r = new Run(model, DEFAULT_THREADS, Math.max(64, ids.length + 8), true)) {
            r.decode(ids);
            return r.pooledEmbedding();
        }
    }

    /** Vectors of several inputs and the seconds their llama_decode calls took together. */
    public record Embeddings(java.util.List<float[]> vectors, double seconds) {
    }

    /**
     * As {@link #embed}, for token sequences with one loaded model and context (each decoded alone, whole), timing
     * only the decodes: llama.cpp's embedding throughput on a file.
     */
    public static synchronized Embeddings embedAll(Path model, java.util.List<int[]> sequences, int threads) {
        int longest = sequences.stream().mapToInt(a -> a.length).max().orElse(1);
        try (Run r = new Run(model, threads, Math.max(64, longest + 8), true)) {
            java.util.List<float[]> out = new java.util.ArrayList<>();
            long nanos = 0;
            for (int[] ids : sequences) {
                long t0 = System.nanoTime();
                r.decode(ids);
                nanos += System.nanoTime() - t0;
                out.add(r.pooledEmbedding());
            }
            return new Embeddings(out, nanos / 1e9);
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static MemorySegment vocab(Path model) {
        LlamaCpp l = LlamaCpp.get();
        Path key = model.toAbsolutePath().normalize();
        MemorySegment m = VOCAB_MODELS.get(key);
        if (m == null) {
            m = load(key, true);
            VOCAB_MODELS.put(key, m);
        }
        try {
            return (MemorySegment) l.getVocab.invokeExact(m);
        } catch (Throwable t) {
            throw new OracleException("llama_model_get_vocab failed: " + t);
        }
    }

    private static MemorySegment load(Path model, boolean vocabOnly) {
        if (!Files.isRegularFile(model)) {
            throw new OracleException("no model file " + model);
        }
        LlamaCpp l = LlamaCpp.get();
        LlamaCpp.clearLog();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = (MemorySegment) l.modelDefaultParams.invokeExact((SegmentAllocator) a);
            set(LlamaCpp.MODEL_PARAMS, params, "n_gpu_layers", 0);
            setBool(LlamaCpp.MODEL_PARAMS, params, "vocab_only", vocabOnly);
            MemorySegment m = (MemorySegment) l.loadModel.invokeExact(a.allocateFrom(model.toString()), params);
            if (m.equals(MemorySegment.NULL)) {
                throw new OracleException("llama.cpp could not load " + model);
            }
            return m;
        } catch (OracleException e) {
            throw e;
        } catch (Throwable t) {
            throw new OracleException("llama_model_load_from_file failed: " + t);
        }
    }

    static void set(java.lang.foreign.GroupLayout layout, MemorySegment s, String field, int value) {
        VarHandle h = layout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement(field));
        h.set(s, 0L, value);
    }

    static void setBool(java.lang.foreign.GroupLayout layout, MemorySegment s, String field, boolean value) {
        VarHandle h = layout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement(field));
        h.set(s, 0L, value);
    }

    /** A loaded model with one context: decode, read rows, free both on close. */
    private static final class Run implements AutoCloseable {
        private final LlamaCpp l = LlamaCpp.get();
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment model;
        private MemorySegment ctx;
        private MemorySegment vocab;
        int nVocab;

        Run(Path file, int threads, int nCtx, boolean embeddings) {
            model = load(file, false);
            try {
                MemorySegment p = (MemorySegment) l.contextDefaultParams.invokeExact((SegmentAllocator) arena);
                set(LlamaCpp.CONTEXT_PARAMS, p, "n_ctx", nCtx);
                set(LlamaCpp.CONTEXT_PARAMS, p, "n_batch", nCtx);
                // a bidirectional encoder sees its whole input in one pass
                set(LlamaCpp.CONTEXT_PARAMS, p, "n_ubatch", embeddings ? nCtx : Math.min(512, nCtx));
                set(LlamaCpp.CONTEXT_PARAMS, p, "n_threads", threads);
                set(LlamaCpp.CONTEXT_PARAMS, p, "n_threads_batch", threads);
                setBool(LlamaCpp.CONTEXT_PARAMS, p, "no_perf", true);
                setBool(LlamaCpp.CONTEXT_PARAMS, p, "embeddings", embeddings);
                ctx = (MemorySegment) l.initContext.invokeExact(model, p);
                if (ctx.equals(MemorySegment.NULL)) {
                    throw new OracleException("llama.cpp could not create a context (n_ctx " + nCtx + ") for " + file);
                }
                vocab = (MemorySegment) l.getVocab.invokeExact(model);
                nVocab = (int) l.nTokens.invokeExact(vocab);
            } catch (OracleException e) {
                free();
                throw e;
            } catch (Throwable t) {
                free();
                throw new OracleException("llama_init_from_model failed: " + t);
            }
        }

        void decode(int[] ids) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tokens = a.allocateFrom(ValueLayout.JAVA_INT, ids);
                MemorySegment batch = (MemorySegment) l.batchGetOne.invokeExact((SegmentAllocator) a, tokens, ids.length);
                int rc = (int) l.decode.invokeExact(ctx, batch);
                if (rc != 0) {
                    throw new OracleException("llama_decode returned " + rc + " for " + ids.length + " tokens");
                }
            } catch (OracleException e) {
                throw e;
            } catch (Throwable t) {
                throw new OracleException("llama_decode failed: " + t);
            }
        }

        float[] row() {
            try {
                MemorySegment p = (MemorySegment) l.logitsIth.invokeExact(ctx, -1);
                if (p.equals(MemorySegment.NULL)) {
                    throw new OracleException("llama_get_logits_ith returned NULL");
                }
                return p.reinterpret(4L * nVocab).toArray(ValueLayout.JAVA_FLOAT);
            } catch (OracleException e) {
                throw e;
            } catch (Throwable t) {
                throw new OracleException("llama_get_logits_ith failed: " + t);
            }
        }

        float[] pooledEmbedding() {
            try {
                int n = (int) l.nEmbdOut.invokeExact(model);
                MemorySegment p = (MemorySegment) l.embeddingsSeq.invokeExact(ctx, 0);
                if (p.equals(MemorySegment.NULL)) {
                    throw new OracleException("no pooled embedding (is this an embedding model?)");
                }
                float[] v = p.reinterpret(4L * n).toArray(ValueLayout.JAVA_FLOAT);
                double norm = 0;
                for (float x : v) {
                    norm += (double) x * x;
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (v[i] / (norm == 0 ? 1 : norm));
                }
                return v;
            } catch (OracleException e) {
                throw e;
            } catch (Throwable t) {
                throw new OracleException("llama_get_embeddings_seq failed: " + t);
            }
        }

        void clear() {
            try {
                MemorySegment mem = (MemorySegment) l.getMemory.invokeExact(ctx);
                l.memoryClear.invokeExact(mem, true);
            } catch (Throwable t) {
                throw new OracleException("llama_memory_clear failed: " + t);
            }
        }

        int bos() {
            try {
                return (int) l.vocabBos.invokeExact(vocab);
            } catch (Throwable t) {
                throw new OracleException("llama_vocab_bos failed: " + t);
            }
        }

        long modelBytes() {
            try {
                return (long) l.modelSize.invokeExact(model);
            } catch (Throwable t) {
                throw new OracleException("llama_model_size failed: " + t);
            }
        }

        private void free() {
            try {
                if (ctx != null && !ctx.equals(MemorySegment.NULL)) {
                    l.freeContext.invokeExact(ctx);
                }
                l.freeModel.invokeExact(model);
            } catch (Throwable t) {
                throw new OracleException("freeing llama.cpp state failed: " + t);
            } finally {
                arena.close();
            }
        }

        @Override
        public void close() {
            free();
        }
    }
}
