package org.medgemma4j.evaluation;

/** The prompt texts: zero-shot chat questions for generation, lm-evaluation-harness's formats for log-likelihood. */
public final class Prompts {

    private Prompts() {
    }

    /** The user message of generate mode: the question, the options, and how to state the answer. */
    public static String chat(Item item, boolean chainOfThought) {
        StringBuilder sb = new StringBuilder();
        if (item.context() != null) {
            sb.append("Context: ").append(item.context()).append("\n\n");
        }
        sb.append("Question: ").append(item.question().strip()).append('\n');
        boolean letters = !item.options().isEmpty();
        for (int i = 0; i < item.options().size(); i++) {
            sb.append(Item.letter(i)).append(". ").append(item.options().get(i).strip()).append('\n');
        }
        String form = letters ? "\"Answer: X\" where X is the letter of the correct option"
                : "\"Answer: yes\", \"Answer: no\" or \"Answer: maybe\"";
        sb.append('\n');
        if (chainOfThought) {
            sb.append("Think step by step, then give your final answer on the last line as ").append(form).append('.');
        } else {
            sb.append("Reply with ").append(form).append(" and nothing else.");
        }
        return sb.toString();
    }

    /**
     * lm-evaluation-harness's prompt, scored by the logit of the answer token after {@code Answer:}: medqa_4options
     * and medmcqa {@code Question: {q}\nA. {A}\n...\nAnswer:}; pubmedqa {@code Abstract: {contexts}\nQuestion:
     * {q}\nAnswer:}; mmlu the same as medqa after its header line.
     */
    public static String harness(Task task, Item item) {
        StringBuilder sb = new StringBuilder();
        if (task.dataSet() == org.medgemma4j.store.data.DataSet.MMLU_MED) {
            sb.append("The following are multiple choice questions (with answers) about ")
                    .append(item.subject().replace('_', ' ')).append(".\n\n");
        }
        if (item.context() != null) {
            sb.append("Abstract: ").append(item.context()).append('\n');
        }
        sb.append("Question: ").append(item.question().strip()).append('\n');
        for (int i = 0; i < item.options().size(); i++) {
            sb.append(Item.letter(i)).append(". ").append(item.options().get(i).strip()).append('\n');
        }
        return sb.append("Answer:").toString();
    }
}
