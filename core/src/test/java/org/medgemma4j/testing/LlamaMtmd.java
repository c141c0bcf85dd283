package org.medgemma4j.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * llama.cpp's image path (libmtmd, tools/mtmd/mtmd.h and mtmd-helper.h) bound through FFM, for the vision
 * tests: the same calls llama-mtmd-cli makes. libmtmd is not in the npm package's prebuilt binaries, so
 * {@code oracle/setup-vision.sh} builds it (with its own libllama and ggml, CPU only) from the llama.cpp source
 * the package ships; those libraries have other sonames than the npm ones and load beside them.
 *
 * <p>The image is decoded by llama.cpp itself (stb_image), so a comparison covers decoding, resizing and
 * normalisation as well as the encoder. Flash attention is off in the encoder, as in VISION.md's oracle.
 */
public final class LlamaMtmd {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfBoolean BOOL = ValueLayout.JAVA_BOOLEAN;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    /** struct mtmd_context_params. */
    static final GroupLayout MTMD_PARAMS = LlamaCpp.struct(
            BOOL.withName("use_gpu"), PTR.withName("device"), BOOL.withName("print_timings"), I32.withName("n_threads"),
            PTR.withName("image_marker"), PTR.withName("media_marker"), I32.withName("flash_attn_type"),
            BOOL.withName("warmup"), I32.withName("image_min_tokens"), I32.withName("image_max_tokens"),
            PTR.withName("cb_eval"), PTR.withName("cb_eval_user_data"), I32.withName("batch_max_tokens"),
            PTR.withName("progress_callback"), PTR.withName("progress_callback_user_data"));
    /** struct mtmd_helper_init_opt (one mtmd_helper_video_init_params). */
    static final GroupLayout HELPER_OPT = LlamaCpp.struct(F32.withName("fps_target"), PTR.withName("ffmpeg_bin_dir"),
            I64.withName("timestamp_interval_ms"));
    /** struct mtmd_helper_bitmap_wrapper. */
    static final GroupLayout BITMAP_WRAPPER = LlamaCpp.struct(PTR.withName("bitmap"), PTR.withName("video_ctx"));
    /** struct mtmd_input_text. */
    static final GroupLayout INPUT_TEXT = LlamaCpp.struct(PTR.withName("text"), I64.withName("text_len"),
            BOOL.withName("add_special"), BOOL.withName("parse_special"));

    /** What llama.cpp computed for one prompt with one image. */
    public record Result(float[] embeddings, int imageTokens, float[] lastLogits, List<int[]> textChunks, long encodeNanos) {
    }

    private static LlamaMtmd instance;

    private final MethodHandle modelDefaultParams, contextDefaultParams, loadModel, freeModel, initContext, freeContext,
            logitsIth, nEmbd, getVocab, nTokens, mtmdDefaultParams, mtmdInit, mtmdFree, bitmapFromFile, helperOptDefault, bitmapFree,
            chunksInit, chunksFree, chunksSize, chunksGet, tokenize, chunkType, chunkTokensText, chunkNTokens,
            encodeChunk, outputEmbd, evalChunks;

    private LlamaMtmd(Path libDir) {
        SymbolLookup llama = SymbolLookup.libraryLookup(libDir.resolve("libllama.so"), Arena.global());
        SymbolLookup mtmd = SymbolLookup.libraryLookup(libDir.resolve("libmtmd.so"), Arena.global());
        try {
            h(llama, "llama_backend_init", FunctionDescriptor.ofVoid()).invokeExact();
            if (System.getenv("ORACLE_VERBOSE") == null) {
                MemorySegment quiet = LINKER.upcallStub(java.lang.invoke.MethodHandles.lookup().findStatic(LlamaMtmd.class, "quiet",
                                java.lang.invoke.MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class)),
                        FunctionDescriptor.ofVoid(I32, PTR, PTR), Arena.global());
                h(llama, "llama_log_set", FunctionDescriptor.ofVoid(PTR, PTR)).invokeExact(quiet, MemorySegment.NULL);
                h(mtmd, "mtmd_helper_log_set", FunctionDescriptor.ofVoid(PTR, PTR)).invokeExact(quiet, MemorySegment.NULL);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("libmtmd initialisation failed in " + libDir + ": " + t, t);
        }
        modelDefaultParams = h(llama, "llama_model_default_params", FunctionDescriptor.of(LlamaCpp.MODEL_PARAMS));
        contextDefaultParams = h(llama, "llama_context_default_params", FunctionDescriptor.of(LlamaCpp.CONTEXT_PARAMS));
        loadModel = h(llama, "llama_model_load_from_file", FunctionDescriptor.of(PTR, PTR, LlamaCpp.MODEL_PARAMS));
        freeModel = h(llama, "llama_model_free", FunctionDescriptor.ofVoid(PTR));
        initContext = h(llama, "llama_init_from_model", FunctionDescriptor.of(PTR, PTR, LlamaCpp.CONTEXT_PARAMS));
        freeContext = h(llama, "llama_free", FunctionDescriptor.ofVoid(PTR));
        logitsIth = h(llama, "llama_get_logits_ith", FunctionDescriptor.of(PTR, PTR, I32));
        nEmbd = h(llama, "llama_model_n_embd", FunctionDescriptor.of(I32, PTR));
        getVocab = h(llama, "llama_model_get_vocab", FunctionDescriptor.of(PTR, PTR));
        nTokens = h(llama, "llama_vocab_n_tokens", FunctionDescriptor.of(I32, PTR));
        mtmdDefaultParams = h(mtmd, "mtmd_context_params_default", FunctionDescriptor.of(MTMD_PARAMS));
        mtmdInit = h(mtmd, "mtmd_init_from_file", FunctionDescriptor.of(PTR, PTR, PTR, MTMD_PARAMS));
        mtmdFree = h(mtmd, "mtmd_free", FunctionDescriptor.ofVoid(PTR));
        helperOptDefault = h(mtmd, "mtmd_helper_init_opt_default", FunctionDescriptor.of(HELPER_OPT));
        bitmapFromFile = h(mtmd, "mtmd_helper_bitmap_init_from_file", FunctionDescriptor.of(BITMAP_WRAPPER, PTR, PTR, BOOL, HELPER_OPT));
        bitmapFree = h(mtmd, "mtmd_bitmap_free", FunctionDescriptor.ofVoid(PTR));
        chunksInit = h(mtmd, "mtmd_input_chunks_init", FunctionDescriptor.of(PTR));
        chunksFree = h(mtmd, "mtmd_input_chunks_free", FunctionDescriptor.ofVoid(PTR));
        chunksSize = h(mtmd, "mtmd_input_chunks_size", FunctionDescriptor.of(I64, PTR));
        chunksGet = h(mtmd, "mtmd_input_chunks_get", FunctionDescriptor.of(PTR, PTR, I64));
        tokenize = h(mtmd, "mtmd_tokenize", FunctionDescriptor.of(I32, PTR, PTR, PTR, PTR, I64));
        chunkType = h(mtmd, "mtmd_input_chunk_get_type", FunctionDescriptor.of(I32, PTR));
        chunkTokensText = h(mtmd, "mtmd_input_chunk_get_tokens_text", FunctionDescriptor.of(PTR, PTR, PTR));
        chunkNTokens = h(mtmd, "mtmd_input_chunk_get_n_tokens", FunctionDescriptor.of(I64, PTR));
        encodeChunk = h(mtmd, "mtmd_encode_chunk", FunctionDescriptor.of(I32, PTR, PTR));
        outputEmbd = h(mtmd, "mtmd_get_output_embd", FunctionDescriptor.of(PTR, PTR));
        evalChunks = h(mtmd, "mtmd_helper_eval_chunks", FunctionDescriptor.of(I32, PTR, PTR, PTR, I32, I32, I32, BOOL, PTR));
    }

    private static void quiet(int level, MemorySegment text, MemorySegment user) {
    }

    /** The folder with libmtmd: $LLAMA_MTMD_LIB, else what oracle/setup-vision.sh prints (building once). */
    public static synchronized LlamaMtmd get() {
        if (instance == null) {
            String env = System.getenv("LLAMA_MTMD_LIB");
            Path dir = env != null && !env.isBlank() ? Path.of(env.trim())
                    : Path.of(Oracle.run("bash", Oracle.repoRoot().resolve("oracle/setup-vision.sh").toString()).trim());
            if (!Files.isRegularFile(dir.resolve("libmtmd.so"))) {
                throw new IllegalStateException("no libmtmd.so in " + dir + " (oracle/setup-vision.sh builds it)");
            }
            instance = new LlamaMtmd(dir);
        }
        return instance;
    }

    private static MethodHandle h(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("libmtmd build has no " + name)), fd);
    }

    private static void set(GroupLayout layout, MemorySegment s, String field, Object value) {
        VarHandle vh = layout.varHandle(MemoryLayout.PathElement.groupElement(field));
        vh.set(s, 0L, value);
    }

    /**
     * Runs {@code prompt} (raw text, BOS added, special tokens parsed, {@code <__media__>} where the image goes)
     * with the image through llama.cpp: the projector output, the last position's logits, the text chunks'
     * token ids, and the time of one image encode (mtmd_encode_chunk) on {@code threads} threads.
     */
    public synchronized Result run(Path model, Path mmproj, Path image, String prompt, int threads) {
        MemorySegment m = MemorySegment.NULL, ctx = MemorySegment.NULL, mctx = MemorySegment.NULL, bitmap = MemorySegment.NULL,
                chunks = MemorySegment.NULL;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mp = (MemorySegment) modelDefaultParams.invokeWithArguments(a);
            set(LlamaCpp.MODEL_PARAMS, mp, "n_gpu_layers", 0);
            m = (MemorySegment) loadModel.invokeWithArguments(a.allocateFrom(model.toString()), mp);
            check(!m.equals(MemorySegment.NULL), "cannot load " + model);
            MemorySegment cp = (MemorySegment) contextDefaultParams.invokeWithArguments(a);
            set(LlamaCpp.CONTEXT_PARAMS, cp, "n_ctx", 1024);
            set(LlamaCpp.CONTEXT_PARAMS, cp, "n_batch", 512);
            set(LlamaCpp.CONTEXT_PARAMS, cp, "n_ubatch", 512);
            set(LlamaCpp.CONTEXT_PARAMS, cp, "n_threads", threads);
            set(LlamaCpp.CONTEXT_PARAMS, cp, "n_threads_batch", threads);
            set(LlamaCpp.CONTEXT_PARAMS, cp, "no_perf", true);
            ctx = (MemorySegment) initContext.invokeWithArguments(m, cp);
            check(!ctx.equals(MemorySegment.NULL), "cannot create a context for " + model);
            MemorySegment vp = (MemorySegment) mtmdDefaultParams.invokeWithArguments(a);
            set(MTMD_PARAMS, vp, "use_gpu", false);
            set(MTMD_PARAMS, vp, "print_timings", false);
            set(MTMD_PARAMS, vp, "n_threads", threads);
            set(MTMD_PARAMS, vp, "flash_attn_type", 0); // LLAMA_FLASH_ATTN_TYPE_DISABLED
            set(MTMD_PARAMS, vp, "warmup", false);
            mctx = (MemorySegment) mtmdInit.invokeWithArguments(a.allocateFrom(mmproj.toString()), m, vp);
            check(!mctx.equals(MemorySegment.NULL), "libmtmd cannot load " + mmproj + " with " + model);
            MemorySegment opt = (MemorySegment) helperOptDefault.invokeWithArguments(a);
            MemorySegment wrapper = (MemorySegment) bitmapFromFile.invokeWithArguments(a, mctx, a.allocateFrom(image.toString()), false, opt);
            bitmap = wrapper.get(PTR, 0);
            check(!bitmap.equals(MemorySegment.NULL), "llama.cpp cannot decode " + image);
            chunks = (MemorySegment) chunksInit.invokeWithArguments();
            MemorySegment text = a.allocate(INPUT_TEXT);
            MemorySegment utf8 = a.allocateFrom(prompt);
            set(INPUT_TEXT, text, "text", utf8);
            set(INPUT_TEXT, text, "text_len", utf8.byteSize() - 1);
            set(INPUT_TEXT, text, "add_special", true);
            set(INPUT_TEXT, text, "parse_special", true);
            MemorySegment bitmaps = a.allocate(PTR);
            bitmaps.set(PTR, 0, bitmap);
            int rc = (int) tokenizeCall(mctx, chunks, text, bitmaps);
            check(rc == 0, "mtmd_tokenize returned " + rc);
            long n = (long) chunksSize.invokeWithArguments(chunks);
            List<int[]> texts = new ArrayList<>();
            float[] embd = null;
            int imageTokens = 0;
            long encodeNanos = 0;
            int width = (int) nEmbd.invokeWithArguments(m);
            for (long i = 0; i < n; i++) {
                MemorySegment chunk = (MemorySegment) chunksGet.invokeWithArguments(chunks, i);
                int type = (int) chunkType.invokeWithArguments(chunk);
                if (type == 0) { // MTMD_INPUT_CHUNK_TYPE_TEXT
                    MemorySegment count = a.allocate(I64);
                    MemorySegment ids = (MemorySegment) chunkTokensText.invokeWithArguments(chunk, count);
                    int c = (int) count.get(I64, 0);
                    texts.add(ids.reinterpret(4L * c).toArray(I32));
                } else {
                    check(embd == null, "more than one image chunk");
                    imageTokens = (int) (long) chunkNTokens.invokeWithArguments(chunk);
                    long t0 = System.nanoTime();
                    rc = (int) encodeChunk.invokeWithArguments(mctx, chunk);
                    encodeNanos = System.nanoTime() - t0;
                    check(rc == 0, "mtmd_encode_chunk returned " + rc);
                    MemorySegment out = (MemorySegment) outputEmbd.invokeWithArguments(mctx);
                    embd = out.reinterpret(4L * imageTokens * width).toArray(ValueLayout.JAVA_FLOAT);
                }
            }
            MemorySegment newPast = a.allocate(I32);
            rc = (int) evalChunks.invokeWithArguments(mctx, ctx, chunks, 0, 0, 512, true, newPast);
            check(rc == 0, "mtmd_helper_eval_chunks returned " + rc);
            MemorySegment lg = (MemorySegment) logitsIth.invokeWithArguments(ctx, -1);
            check(!lg.equals(MemorySegment.NULL), "no logits");
            int nVocab = vocabSize(m);
            float[] logits = lg.reinterpret(4L * nVocab).toArray(ValueLayout.JAVA_FLOAT);
            return new Result(embd, imageTokens, logits, texts, encodeNanos);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libmtmd call failed: " + t, t);
        } finally {
            try {
                if (!chunks.equals(MemorySegment.NULL)) {
                    chunksFree.invokeWithArguments(chunks);
                }
                if (!bitmap.equals(MemorySegment.NULL)) {
                    bitmapFree.invokeWithArguments(bitmap);
                }
                if (!mctx.equals(MemorySegment.NULL)) {
                    mtmdFree.invokeWithArguments(mctx);
                }
                if (!ctx.equals(MemorySegment.NULL)) {
                    freeContext.invokeWithArguments(ctx);
                }
                if (!m.equals(MemorySegment.NULL)) {
                    freeModel.invokeWithArguments(m);
                }
            } catch (Throwable t) {
                throw new IllegalStateException("freeing libmtmd objects failed: " + t, t);
            }
        }
    }

    private Object tokenizeCall(MemorySegment mctx, MemorySegment chunks, MemorySegment text, MemorySegment bitmaps) throws Throwable {
        return tokenize.invokeWithArguments(mctx, chunks, text, bitmaps, 1L);
    }

    private int vocabSize(MemorySegment model) throws Throwable {
        return (int) nTokens.invokeWithArguments(getVocab.invokeWithArguments(model));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("libmtmd oracle: " + what);
        }
    }
}
