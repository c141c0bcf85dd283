package org.medgemma4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.privacy.audit.AnswerAudit;
import org.medgemma4j.privacy.audit.AuditLog;
import org.medgemma4j.store.ModelStore;
import picocli.CommandLine.Option;

/**
 * The audit options of run, chat and ask: {@code --audit FILE} appends one JSON line per answer (time, command,
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

    private AnswerAudit answers;

    /** Checks the options (and that the audit file can be written) before the model loads, so a mistake costs nothing. */
    void validate() {
        if (auditText && audit == null) {
            throw new IllegalArgumentException("--audit-text needs --audit FILE");
        }
        if (audit != null) {
            checkWritable(audit);
        }
    }

    /** A clear error naming the file when --audit FILE cannot be appended to. */
    static void checkWritable(Path audit) {
        try {
            new AuditLog(audit).checkWritable();
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("--audit " + audit + ": cannot write there ("
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()) + ")");
        }
    }

    /** Appends one record for an answer, when --audit is on. */
    void record(String command, LoadedModel m, GenerationOptions options, String system, String prompt, GenerationResult r)
            throws IOException {
        if (audit == null) {
            return;
        }
        if (answers == null) {
            answers = new AnswerAudit(new AuditLog(audit), auditText, deid,
                    deid ? DeidScrubber.standard() : UnaryOperator.identity(), ModelStore.fromEnvironment().home());
        }
        answers.record(command, m.model(), options, system, prompt, 0, r);
    }
}
