package org.medgemma4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.gguf.GgufMetadata;
import org.medgemma4j.privacy.audit.AuditLog;
import org.medgemma4j.privacy.audit.GgufFileTypes;
import org.medgemma4j.privacy.audit.ModelFingerprint;
import org.medgemma4j.privacy.deid.Deidentifier;
import org.medgemma4j.privacy.deid.Redactor;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.store.ModelStore;
import picocli.CommandLine.Option;

/**
 * The audit trail of run and chat: {@code --audit FILE} appends one JSON line per answer (time, command,
 * the model file's SHA-256, GGUF name and quantization, every sampling setting and the seed, SHA-256 of
 * prompt and answer); {@code --audit-text} adds the texts, de-identified first under {@code --deid}.
 */
final class AuditOptions {

    @Option(names = "--audit", paramLabel = "FILE", description = "append a JSON line per answer: model SHA-256, settings, seed, prompt and answer hashes")
    Path audit;

    @Option(names = "--audit-text", description = "also write the prompt and answer text into the audit log (de-identified under --deid)")
    boolean auditText;

    @Option(names = "--deid", description = "de-identify prompts (names, dates, places, numbers) before they reach any log")
    boolean deid;

    private Deidentifier deidentifier;
    private String modelSha256;

    /** Checks the options before the model loads, so a mistake costs nothing. */
    void validate() {
        if (auditText && audit == null) {
            throw new IllegalArgumentException("--audit-text needs --audit FILE");
        }
    }

    /** The text as logs may hold it: redacted under --deid, unchanged otherwise. */
    String forLog(String text) throws IOException {
        if (!deid || text == null) {
            return text;
        }
        if (deidentifier == null) {
            deidentifier = Deidentifier.standard();
        }
        return Redactor.redact(text, deidentifier.find(text));
    }

    /** Appends one record for an answer, when --audit is on. */
    void record(String command, LoadedModel m, GenerationOptions options, String system, String prompt, GenerationResult r)
            throws IOException {
        if (audit == null) {
            return;
        }
        Path file = m.model().file().path();
        if (modelSha256 == null) {
            modelSha256 = ModelFingerprint.sha256(file, ModelStore.fromEnvironment().home());
        }
        GgufMetadata meta = m.model().file().metadata();
        SamplingParams p = options.sampling();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("time", Instant.now().toString());
        rec.put("command", command);
        rec.put("model_file", file.getFileName().toString());
        rec.put("model_sha256", modelSha256);
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
        rec.put("prompt_tokens", r.promptTokens());
        rec.put("answer_tokens", r.tokens().length);
        rec.put("stop_reason", r.reason().toString());
        rec.put("deid", deid);
        if (auditText) {
            rec.put("system", forLog(system));
            rec.put("prompt", forLog(prompt));
            rec.put("answer", forLog(r.text()));
        }
        new AuditLog(audit).append(rec);
    }
}
