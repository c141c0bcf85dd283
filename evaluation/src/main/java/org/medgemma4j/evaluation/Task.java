package org.medgemma4j.evaluation;

import java.util.List;
import java.util.Locale;
import org.medgemma4j.store.data.DataSet;

/**
 * One benchmark to run: MedQA, MedMCQA, PubMedQA, or MMLU's medical subjects pooled ({@code mmlu-med}) or one
 * of them ({@code mmlu-med/anatomy}).
 *
 * @param name    as the user typed it, normalised (also the summary's {@code task})
 * @param dataSet the data set holding the items
 * @param subject the MMLU subject, null for the whole set
 */
public record Task(String name, DataSet dataSet, String subject) {

    /** MMLU's medical subjects, in the order the pooled set reads them. */
    public static final List<String> MMLU_SUBJECTS = List.of("anatomy", "clinical_knowledge", "college_biology",
            "college_medicine", "medical_genetics", "professional_medicine");

    /** The task of that name, or an exception listing the valid names. */
    public static Task parse(String text) {
        String n = text.strip().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "medqa" -> new Task(n, DataSet.MEDQA, null);
            case "medmcqa" -> new Task(n, DataSet.MEDMCQA, null);
            case "pubmedqa" -> new Task(n, DataSet.PUBMEDQA, null);
            case "mmlu-med", "mmlu" -> new Task("mmlu-med", DataSet.MMLU_MED, null);
            default -> {
                int slash = n.indexOf('/');
                String subject = slash < 0 ? null : n.substring(slash + 1).replace('-', '_');
                if (slash > 0 && n.substring(0, slash).matches("mmlu(-med)?") && MMLU_SUBJECTS.contains(subject)) {
                    yield new Task("mmlu-med/" + subject, DataSet.MMLU_MED, subject);
                }
                throw new IllegalArgumentException("unknown task '" + text + "': use medqa, medmcqa, pubmedqa, mmlu-med or "
                        + "mmlu-med/SUBJECT (" + String.join(", ", MMLU_SUBJECTS) + ")");
            }
        };
    }

    /** True for PubMedQA's yes/no/maybe answers, false for lettered options. */
    public boolean yesNoMaybe() {
        return dataSet == DataSet.PUBMEDQA;
    }

    /** The benchmark the model card reports: the task without its MMLU subject. */
    public String benchmark() {
        return subject == null ? name : "mmlu-med";
    }

    /** Whether a per-subject breakdown means something (MedMCQA's and MMLU's subjects). */
    public boolean hasSubjects() {
        return dataSet == DataSet.MEDMCQA || dataSet == DataSet.MMLU_MED && subject == null;
    }
}
