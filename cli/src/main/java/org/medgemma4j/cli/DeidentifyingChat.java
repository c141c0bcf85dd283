package org.medgemma4j.cli;

import java.io.IOException;
import org.medgemma4j.evaluation.ChatBackend;
import org.medgemma4j.privacy.deid.Deidentifier;
import org.medgemma4j.privacy.deid.Redactor;

/**
 * A chat backend that de-identifies every message before it leaves the machine (eval --url --deid): the
 * remote server sees {@code [NAME]}, {@code [DATE]}, ... where the text had PHI. Benchmark questions carry little
 * PHI, but users point the harness at their own clinical files too.
 */
final class DeidentifyingChat implements ChatBackend {

    private final ChatBackend remote;
    private final Deidentifier deidentifier;

    DeidentifyingChat(ChatBackend remote, Deidentifier deidentifier) {
        this.remote = remote;
        this.deidentifier = deidentifier;
    }

    @Override
    public String reply(String userMessage, int maxTokens) throws IOException {
        return remote.reply(Redactor.redact(userMessage, deidentifier.find(userMessage)), maxTokens);
    }

    @Override
    public int parallelism() {
        return remote.parallelism();
    }

    @Override
    public String modelName() {
        return remote.modelName();
    }

    @Override
    public void close() {
        remote.close();
    }
}
