package org.medgemma4j.privacy.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.gguf.GgufMetadata;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.sampling.SamplingParams;

/**
 * One audit record per answer, the same for every command that answers (run, chat, serve): time, command, the
 * model file's SHA-256, GGUF name and quantization, every sampling setting and the seed, SHA-256 of system
 * prompt, prompt and answer, token counts and the stop reason; with {@code withText} also the texts, passed
 * through {@code scrubber} first (a de-identifier under --deid, so no patient's details reach the file).
 */
public final class AnswerAudit {

    private final AuditLog log;
    private final boolean withText;
    private final boolean deid;
    private final UnaryOperator<String> scrubber;
    private final Path fingerprintCache;
    private final Map<Path, String> modelSha256 = new ConcurrentHashMap<>();

    /**
     * @param fingerprintCache where {@link ModelFingerprint} keeps model hashes (the model store's home)
     * @param deid             whether {@code scrubber} de-identifies (recorded in each line)
     */
    public AnswerAudit(AuditLog log, boolean withText, boolean deid, UnaryOperator<String> scrubber, Path fingerprintCache) {
        this.log = log;
        this.withText = withText;
        this.deid = deid;
        this.scrubber = scrubber;
        this.fingerprintCache = fingerprintCache;
    }

    public AuditLog log() {
        return log;
    }

    /**
     * Appends the record of one answer. {@code system} may be null; {@code images} counts the images in the
     * prompt (their pixels are not hashed: the prompt's hash covers only its text).
     */
    public void record(String command, Gemma3Model model, GenerationOptions options, String system, String prompt,
            int images, GenerationResult r) throws IOException {
        Path file = model.file().path();
        String sha = modelSha256.get(file);
        if (sha == null) {
            sha = ModelFingerprint.sha256(file, fingerprintCache);
            modelSha256.put(file, sha);
        }
        GgufMetadata meta = model.file().metadata();
        SamplingParams p = options.sampling();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("time", Instant.now().toString());
        rec.put("command", command);
        rec.put("model_file", file.getFileName().toString());
        rec.put("model_sha256", sha);
        rec.put("model_name", meta.getString("general.name", ""));
        rec.put("quantization", GgufFileTypes.name(meta.getInt("general.file_type", -1)));
        Map<String, Object> sampling = new LinkedHashMap<>();
        sampling.put("temperature", p.temperature());
        sampling.put("top_k", p.topK());
        sampling.put("top_p", p.topP());
        sampling.put("min_p", p.minP());
        sampling.put("repeat_penalty", p.repeatPenalty());
        sampling.put("repeat_last_n", p.repeatLastN());
        sampling.put("seed", p.seed());
        sampling.put("max_tokens", options.maxTokens());
        sampling.put("stop", options.stopStrings());
        rec.put("sampling", sampling);
        rec.put("system_sha256", system == null ? null : ModelFingerprint.sha256(system));
        rec.put("prompt_sha256", ModelFingerprint.sha256(prompt));
        rec.put("answer_sha256", ModelFingerprint.sha256(r.text()));
        if (images > 0) {
            rec.put("images", images);
        }
        rec.put("prompt_tokens", r.promptTokens());
        rec.put("answer_tokens", r.tokens().length);
        rec.put("stop_reason", r.reason().toString());
        rec.put("deid", deid);
        if (withText) {
            rec.put("system", system == null ? null : scrubber.apply(system));
            rec.put("prompt", scrubber.apply(prompt));
            rec.put("answer", scrubber.apply(r.text()));
        }
        log.append(rec);
    }
}
