package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.evaluation.Answerer;
import org.medgemma4j.evaluation.ChatAnswerer;
import org.medgemma4j.evaluation.ChatBackend;
import org.medgemma4j.evaluation.EmbeddedChat;
import org.medgemma4j.evaluation.Evaluator;
import org.medgemma4j.evaluation.Item;
import org.medgemma4j.evaluation.LoglikAnswerer;
import org.medgemma4j.evaluation.OpenAiChat;
import org.medgemma4j.privacy.deid.Deidentifier;
import org.medgemma4j.evaluation.Progress;
import org.medgemma4j.evaluation.ProgressBarProgress;
import org.medgemma4j.evaluation.PublishedScores;
import org.medgemma4j.evaluation.ResultLog;
import org.medgemma4j.evaluation.Summary;
import org.medgemma4j.evaluation.Tally;
import org.medgemma4j.evaluation.Task;
import org.medgemma4j.evaluation.TaskReader;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.sampling.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medgemma eval --task medqa -m MODEL}: a medical benchmark's accuracy, embedded or on a remote server. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Score a model on a medical benchmark: medqa, medmcqa, pubmedqa, mmlu-med or mmlu-med/SUBJECT.",
                "With --url the model runs on an OpenAI-compatible server (-m names it there). Research use only."})
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "medqa, medmcqa, pubmedqa, mmlu-med or mmlu-med/SUBJECT (anatomy, clinical_knowledge, college_biology, "
                    + "college_medicine, medical_genetics, professional_medicine)")
    String task;

    @Option(names = "--data", paramLabel = "PATH",
            description = "the data set's folder (or a folder holding it); default: $MEDGEMMA_DATA, then the store's data folder")
    Path data;

    @Option(names = "--mode", paramLabel = "MODE", description = "generate (chat template, parsed answer; default) or loglik "
            + "(the answer token with the highest logit after lm-evaluation-harness's prompt; embedded only)")
    String mode = "generate";

    @Option(names = "--cot", description = "ask for step-by-step reasoning before the answer (generate mode)")
    boolean chainOfThought;

    @Option(names = "--max-tokens", paramLabel = "N", description = "answer length limit (default 16, 1024 with --cot)")
    Integer maxTokens;

    @Option(names = "--url", paramLabel = "BASE", description = "an OpenAI-compatible server (medgemma serve, llama-server, "
            + "Ollama, vLLM), e.g. http://host:8080; -m is then the model name the server knows")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "bearer token for --url (default: $OPENAI_API_KEY if set)")
    String apiKey = System.getenv("OPENAI_API_KEY");

    @Option(names = "--parallel", paramLabel = "N", description = "requests in flight at once with --url (default ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "per request with --url (default ${DEFAULT-VALUE})")
    int timeoutSeconds = 600;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N items in file order")
    Integer limit;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature (default 0: greedy)")
    float temperature = 0f;

    @Option(names = "--seed", paramLabel = "N", description = "sampling seed (sent to the server with --url)")
    Long seed;

    @Option(names = "--out", paramLabel = "FILE.jsonl",
            description = "one JSON line per item (id, prompt, raw answer, choice, answer, correct); an existing file is resumed")
    Path out;

    @Option(names = "--json", description = "print one JSON summary line")
    boolean json;

    @Option(names = "--deid", description = "with --url: de-identify every prompt (names, dates, places, numbers) "
            + "before it is sent to the remote server")
    boolean deid;

    @Option(names = "--progress", description = "draw the progress bar even when stderr is not a terminal")
    boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Task t = Task.parse(task);
        boolean loglik = switch (mode) {
            case "generate" -> false;
            case "loglik" -> true;
            default -> throw new IllegalArgumentException("--mode must be generate or loglik, got '" + mode + "'");
        };
        if (loglik && url != null) {
            throw new IllegalArgumentException("--mode loglik needs the embedded engine (logits): drop --url");
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1");
        }
        List<Item> items = TaskReader.read(t, TaskReader.folder(t, data));
        if (limit != null && limit < items.size()) {
            items = items.subList(0, limit);
        }
        int answerTokens = maxTokens != null ? maxTokens : chainOfThought ? 1024 : 16;
        SamplingParams sampling = SamplingParams.defaults(seed != null ? seed : 0).withTemperature(temperature);
        Summary summary;
        if (url != null) {
            ChatBackend remote = new OpenAiChat(url, model.model, apiKey, parallel, temperature, seed,
                    Duration.ofSeconds(timeoutSeconds));
            try (ChatBackend chat = deid ? new DeidentifyingChat(remote, Deidentifier.standard()) : remote) {
                summary = run(t, loglik ? "loglik" : chainOfThought ? "generate+cot" : "generate", model.model,
                        new ChatAnswerer(chat, chainOfThought, answerTokens), items);
            }
        } else {
            try (LoadedModel m = model.open(err); Session session = model.newSession(m)) {
                Answerer a = loglik ? new LoglikAnswerer(t, session)
                        : new ChatAnswerer(new EmbeddedChat(m, session, sampling), chainOfThought, answerTokens);
                String name = m.model().config().name() != null ? m.model().config().name() : model.model;
                summary = run(t, loglik ? "loglik" : chainOfThought ? "generate+cot" : "generate", name, a, items);
            }
        }
        if (json) {
            stdout.println(new ObjectMapper().writeValueAsString(summary.toJson()));
        } else {
            stdout.print(summary.toText());
        }
        stdout.flush();
        return 0;
    }

    private Summary run(Task t, String modeName, String modelName, Answerer answerer, List<Item> items) throws Exception {
        try (ResultLog log = ResultLog.open(out)) {
            int resumed = (int) items.stream().filter(i -> log.recorded(i.id()) != null).count();
            Progress bar = ProgressBarProgress.forStderr(progress);
            Tally tally = new Evaluator(answerer).run(t, items, log, bar);
            return new Summary(t, modeName, modelName, tally, resumed, PublishedScores.forModel(modelName, t));
        }
    }
}
