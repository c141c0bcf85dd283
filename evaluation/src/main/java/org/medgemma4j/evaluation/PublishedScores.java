package org.medgemma4j.evaluation;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scores google/medgemma's model card reports (vendor-reported; the card publishes neither prompts nor
 * answer parser), for setting a measured result beside them. Source: docs/evaluation.md.
 */
public final class PublishedScores {

    /** A model card row: the model and its score on the benchmark, in percent. */
    public record Published(String model, double percent) {
    }

    private static final Map<String, Map<String, Double>> TABLE = Map.of(
            "MedGemma 4B", Map.of("medqa", 64.4, "medmcqa", 55.7, "pubmedqa", 73.4, "mmlu-med", 70.0),
            "MedGemma 27B text", Map.of("medqa", 87.7, "medmcqa", 74.2, "pubmedqa", 76.8, "mmlu-med", 87.0),
            "MedGemma 27B multimodal", Map.of("medqa", 85.3, "medmcqa", 70.2, "pubmedqa", 77.2, "mmlu-med", 86.2));

    private PublishedScores() {
    }

    /**
     * The card's number for the model a name describes ("medgemma-27b-text-it", "MedGemma 4B It",
     * "hf.co/unsloth/medgemma-4b-it-GGUF:Q4_K_M"), on a whole benchmark; empty for any other model or an MMLU
     * subject (the card reports MMLU-Med pooled only).
     */
    public static Optional<Published> forModel(String modelName, Task task) {
        if (modelName == null || task.subject() != null) {
            return Optional.empty();
        }
        String n = modelName.toLowerCase(Locale.ROOT);
        if (!n.contains("medgemma")) {
            return Optional.empty();
        }
        String row;
        if (n.matches(".*\\b4b\\b.*") || n.matches(".*[^0-9]4b.*")) {
            row = "MedGemma 4B";
        } else if (n.contains("27b")) {
            row = n.contains("text") ? "MedGemma 27B text" : "MedGemma 27B multimodal";
        } else {
            return Optional.empty();
        }
        Double v = TABLE.get(row).get(task.benchmark());
        return v == null ? Optional.empty() : Optional.of(new Published(row, v));
    }
}
