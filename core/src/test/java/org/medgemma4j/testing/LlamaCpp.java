package org.medgemma4j.testing;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The llama.cpp C API (include/llama.h of node-llama-cpp's llama.cpp) bound through FFM: just the calls the
 * tests' oracle makes. The struct layouts mirror llama.h field by field; {@link #struct} lays them out by the
 * C rules (each field at its alignment, the struct padded to its largest member), so a field added to
 * llama.h must be added here in the same place.
 *
 * <p>llama.cpp's log goes to a ring of recent lines instead of stderr: a failed call reports them.
 */
final class LlamaCpp {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final AddressLayout PTR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfBoolean BOOL = ValueLayout.JAVA_BOOLEAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG;

    /** struct llama_model_params. */
    static final GroupLayout MODEL_PARAMS = struct(
            PTR.withName("devices"), PTR.withName("tensor_buft_overrides"), I32.withName("n_gpu_layers"),
            I32.withName("split_mode"), I32.withName("load_mode"), I32.withName("lazy_mode"), I32.withName("main_gpu"),
            PTR.withName("tensor_split"), PTR.withName("progress_callback"), PTR.withName("progress_callback_user_data"),
            PTR.withName("kv_overrides"), BOOL.withName("vocab_only"), BOOL.withName("check_tensors"),
            BOOL.withName("use_extra_bufts"), BOOL.withName("no_host"), BOOL.withName("no_alloc"), BOOL.withName("load_mtp"));

    /** struct llama_context_params. */
    static final GroupLayout CONTEXT_PARAMS = struct(
            I32.withName("n_ctx"), I32.withName("n_batch"), I32.withName("n_ubatch"), I32.withName("n_seq_max"),
            I32.withName("n_rs_seq"), I32.withName("n_outputs_max"), I32.withName("n_outputs_max_per_seq"),
            I32.withName("n_threads"), I32.withName("n_threads_batch"), I32.withName("ctx_type"),
            I32.withName("rope_scaling_type"), I32.withName("pooling_type"), I32.withName("attention_type"),
            I32.withName("flash_attn_type"), F32.withName("rope_freq_base"), F32.withName("rope_freq_scale"),
            F32.withName("yarn_ext_factor"), F32.withName("yarn_attn_factor"), F32.withName("yarn_beta_fast"),
            F32.withName("yarn_beta_slow"), I32.withName("yarn_orig_ctx"), F32.withName("defrag_thold"),
            PTR.withName("cb_eval"), PTR.withName("cb_eval_user_data"), I32.withName("type_k"), I32.withName("type_v"),
            PTR.withName("abort_callback"), PTR.withName("abort_callback_data"), BOOL.withName("embeddings"),
            BOOL.withName("offload_kqv"), BOOL.withName("no_perf"), BOOL.withName("op_offload"), BOOL.withName("swa_full"),
            BOOL.withName("kv_unified"), PTR.withName("samplers"), I64.withName("n_samplers"), PTR.withName("ctx_other"));

    /** struct llama_batch. */
    static final GroupLayout BATCH = struct(
            I32.withName("n_tokens"), PTR.withName("token"), PTR.withName("embd"), PTR.withName("pos"),
            PTR.withName("n_seq_id"), PTR.withName("seq_id"), PTR.withName("logits"));

    /** struct llama_model_quantize_params. */
    static final GroupLayout QUANTIZE_PARAMS = struct(
            I32.withName("nthread"), I32.withName("ftype"), I32.withName("output_tensor_type"),
            I32.withName("token_embedding_type"), BOOL.withName("allow_requantize"),
            BOOL.withName("quantize_output_tensor"), BOOL.withName("only_copy"), BOOL.withName("pure"),
            BOOL.withName("keep_split"), BOOL.withName("dry_run"), PTR.withName("imatrix"), PTR.withName("kv_overrides"),
            PTR.withName("tt_overrides"), PTR.withName("prune_layers"), I64.withName("max_buf_size"));

    private static final int LOG_LINES = 60;
    private static final Deque<String> LOG = new ArrayDeque<>();
    private static LlamaCpp instance;

    final Path libDir;
    final MethodHandle modelDefaultParams, contextDefaultParams, quantizeDefaultParams, loadModel, freeModel,
            initContext, freeContext, getVocab, nTokens, tokenize, tokenToPiece, batchGetOne, decode, logitsIth,
            getMemory, memoryClear, quantize, vocabBos, embeddingsSeq, nEmbdOut, modelSize;

    private LlamaCpp(Path libDir) {
        this.libDir = libDir;
        SymbolLookup llama = SymbolLookup.libraryLookup(single(libDir, "libllama.v"), Arena.global());
        SymbolLookup ggml = SymbolLookup.libraryLookup(single(libDir, "libggml.v"), Arena.global());
        try {
            MethodHandle logSet = handle(llama, "llama_log_set", FunctionDescriptor.ofVoid(PTR, PTR));
            logSet.invokeExact(logCallback(), MemorySegment.NULL);
            // The CPU backend is a plugin: ggml picks the variant built for this processor.
            MethodHandle loadAll = handle(ggml, "ggml_backend_load_all_from_path", FunctionDescriptor.ofVoid(PTR));
            try (Arena a = Arena.ofConfined()) {
                loadAll.invokeExact(a.allocateFrom(libDir.toString()));
            }
            handle(llama, "llama_backend_init", FunctionDescriptor.ofVoid()).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("llama.cpp initialisation failed in " + libDir + recentLog(), t);
        }
        modelDefaultParams = handle(llama, "llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS));
        contextDefaultParams = handle(llama, "llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS));
        quantizeDefaultParams = handle(llama, "llama_model_quantize_default_params", FunctionDescriptor.of(QUANTIZE_PARAMS));
        loadModel = handle(llama, "llama_model_load_from_file", FunctionDescriptor.of(PTR, PTR, MODEL_PARAMS));
        freeModel = handle(llama, "llama_model_free", FunctionDescriptor.ofVoid(PTR));
        initContext = handle(llama, "llama_init_from_model", FunctionDescriptor.of(PTR, PTR, CONTEXT_PARAMS));
        freeContext = handle(llama, "llama_free", FunctionDescriptor.ofVoid(PTR));
        getVocab = handle(llama, "llama_model_get_vocab", FunctionDescriptor.of(PTR, PTR));
        nTokens = handle(llama, "llama_vocab_n_tokens", FunctionDescriptor.of(I32, PTR));
        tokenize = handle(llama, "llama_tokenize", FunctionDescriptor.of(I32, PTR, PTR, I32, PTR, I32, BOOL, BOOL));
        tokenToPiece = handle(llama, "llama_token_to_piece", FunctionDescriptor.of(I32, PTR, I32, PTR, I32, I32, BOOL));
        batchGetOne = handle(llama, "llama_batch_get_one", FunctionDescriptor.of(BATCH, PTR, I32));
        decode = handle(llama, "llama_decode", FunctionDescriptor.of(I32, PTR, BATCH));
        logitsIth = handle(llama, "llama_get_logits_ith", FunctionDescriptor.of(PTR, PTR, I32));
        getMemory = handle(llama, "llama_get_memory", FunctionDescriptor.of(PTR, PTR));
        memoryClear = handle(llama, "llama_memory_clear", FunctionDescriptor.ofVoid(PTR, BOOL));
        quantize = handle(llama, "llama_model_quantize", FunctionDescriptor.of(I32, PTR, PTR, PTR));
        vocabBos = handle(llama, "llama_vocab_bos", FunctionDescriptor.of(I32, PTR));
        embeddingsSeq = handle(llama, "llama_get_embeddings_seq", FunctionDescriptor.of(PTR, PTR, I32));
        nEmbdOut = handle(llama, "llama_model_n_embd_out", FunctionDescriptor.of(I32, PTR));
        modelSize = handle(llama, "llama_model_size", FunctionDescriptor.of(I64, PTR));
    }

    /** The bindings, loaded once per JVM from {@link Oracle#libDir()}. */
    static synchronized LlamaCpp get() {
        if (instance == null) {
            instance = new LlamaCpp(Oracle.libDir());
        }
        return instance;
    }

    /** The last lines llama.cpp logged, for an error message (empty when none). */
    static String recentLog() {
        synchronized (LOG) {
            return LOG.isEmpty() ? "" : "\nllama.cpp log (last " + LOG.size() + " lines):\n" + String.join("", LOG);
        }
    }

    static void clearLog() {
        synchronized (LOG) {
            LOG.clear();
        }
    }

    /** Lays out {@code fields} as a C compiler does: each at a multiple of its alignment, padded at the end. */
    static GroupLayout struct(MemoryLayout... fields) {
        List<MemoryLayout> members = new ArrayList<>();
        long offset = 0;
        long maxAlign = 1;
        for (MemoryLayout f : fields) {
            long align = f.byteAlignment();
            maxAlign = Math.max(maxAlign, align);
            long pad = (align - offset % align) % align;
            if (pad > 0) {
                members.add(MemoryLayout.paddingLayout(pad));
            }
            members.add(f);
            offset += pad + f.byteSize();
        }
        long tail = (maxAlign - offset % maxAlign) % maxAlign;
        if (tail > 0) {
            members.add(MemoryLayout.paddingLayout(tail));
        }
        return MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new));
    }

    private static Path single(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".so"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + prefix + "*.so in " + dir
                            + " (is LLAMA_ORACLE_LIB a node-llama-cpp bins folder? oracle/setup.sh prints one)"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot list the llama.cpp library folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(
                () -> new IllegalStateException("llama.cpp has no symbol " + name + " (another version than oracle/setup.sh installs?)")), fd);
    }

    // void (*ggml_log_callback)(enum ggml_log_level level, const char * text, void * user_data)
    private static MemorySegment logCallback() throws ReflectiveOperationException {
        MethodHandle target = MethodHandles.lookup().findStatic(LlamaCpp.class, "log",
                MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
        return LINKER.upcallStub(target, FunctionDescriptor.ofVoid(I32, PTR, PTR), Arena.global());
    }

    private static void log(int level, MemorySegment text, MemorySegment user) {
        String line = text.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        synchronized (LOG) {
            if (LOG.size() == LOG_LINES) {
                LOG.removeFirst();
            }
            LOG.addLast(line);
        }
        if (System.getenv("ORACLE_VERBOSE") != null) {
            System.err.print(line);
        }
    }
}
