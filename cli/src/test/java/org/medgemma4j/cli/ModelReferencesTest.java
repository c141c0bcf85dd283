package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.EmbeddingFixtures;
import org.medgemma4j.testing.FixtureModels;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command that takes a model takes every kind of model reference: a file, a file pulled into our store
 * (by its store reference), and a model Ollama has pulled (by its Ollama name). The test walks the command
 * list, so a command added later without the resolver fails here.
 */
class ModelReferencesTest {

    /** How to run each model-taking command quickly; MODEL stands for the reference. */
    private static final Map<String, List<String>> INVOCATIONS = Map.ofEntries(
            Map.entry("run", List.of("run", "-m", "MODEL", "-n", "2", "--temperature", "0", "Hello")),
            Map.entry("chat", List.of("chat", "-m", "MODEL", "-n", "2")),
            Map.entry("generate", List.of("generate", "-m", "MODEL", "--ids", "2,818", "-n", "2", "--temperature", "0")),
            Map.entry("logits", List.of("logits", "-m", "MODEL", "--ids", "2,818", "--out", "OUT")),
            Map.entry("tokenize", List.of("tokenize", "-m", "MODEL")),
            Map.entry("detokenize", List.of("detokenize", "-m", "MODEL", "--ids", "2,818")),
            Map.entry("bench", List.of("bench", "-m", "MODEL", "-p", "4", "-n", "2", "-r", "1", "-t", "1", "--json")),
            Map.entry("inspect", List.of("inspect", "MODEL", "--json")),
            Map.entry("fit", List.of("fit", "MODEL", "--ctx", "512")),
            Map.entry("ask", List.of("ask", "-m", "MODEL", "--index", "INDEX", "-n", "2", "--temp", "0", "-t", "1",
                    "Does metformin lower HbA1c in type 2 diabetes?")),
            Map.entry("eval", List.of("eval", "--task", "medqa", "--data", "MEDQA", "-m", "MODEL", "--mode", "loglik", "-t", "1")),
            Map.entry("embed", List.of("embed", "-m", "EMBEDDING", "-t", "1", "--json", "metformin and HbA1c")),
            Map.entry("serve", List.of("serve", "-m", "MODEL", "--port", "0", "--parallel", "1", "--ctx", "64")));

    @TempDir
    static Path dir;

    private static String file;
    private static final String PULLED = "medgemma4j-test/tiny-GGUF/tiny-Q8_0.gguf";
    private static final String OLLAMA = "tinygemma:test";
    // the embedding command takes an embedding model: the same three kinds of reference to an EmbeddingGemma fixture
    private static String embeddingFile;
    private static final String EMBEDDING_PULLED = "medgemma4j-test/tiny-embedding-GGUF/tiny-embedding-F32.gguf";
    private static final String EMBEDDING_OLLAMA = "tinyembedding:test";

    @BeforeAll
    static void stores() throws Exception {
        Path fixture = FixtureModels.quantized(FixtureModels.TINY, "Q8_0");
        file = fixture.toString();
        Path embedding = EmbeddingFixtures.f32(EmbeddingFixtures.TINY);
        embeddingFile = embedding.toString();
        register(embedding, EMBEDDING_PULLED, "tinyembedding", "test");
        // our store as `pull` leaves it ($MEDGEMMA_HOME, in target/) and Ollama's as `ollama pull` does ($OLLAMA_MODELS)
        register(fixture, PULLED, "tinygemma", "test");
        // one MedQA-format item for eval
        Files.writeString(Files.createDirectories(dir.resolve("medqa")).resolve("test-us-4options.jsonl"), "{\"question\": \"Which drug is first-line for type 2 diabetes?\", "
                + "\"answer\": \"Metformin\", \"options\": {\"A\": \"Metformin\", \"B\": \"Insulin glargine\", "
                + "\"C\": \"Glipizide\", \"D\": \"Acarbose\"}, \"meta_info\": \"step1\", \"answer_idx\": \"A\"}\n");
        // a literature index for ask: one abstract that answers its question, so the model is really called
        Path abstractFile = Files.writeString(dir.resolve("metformin.md"), "# Metformin and glycaemic control in type 2 diabetes\n\n"
                + "Metformin lowers HbA1c in type 2 diabetes by about one percentage point as monotherapy, reduces hepatic "
                + "glucose output and is the usual first-line drug for type 2 diabetes.\n");
        CliRun indexed = CliRun.of("index", "add", "--index", dir.resolve("index").toString(), abstractFile.toString());
        assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    }

    @Test
    void everyModelCommandTakesEveryKindOfReference() throws Exception {
        List<String> covered = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : Main.commandLine().getSubcommands().entrySet()) {
            CommandSpec spec = sub.getValue().getCommandSpec();
            boolean takesModel = spec.findOption("-m") != null || sub.getKey().equals("inspect") || sub.getKey().equals("fit");
            if (!takesModel) {
                continue;
            }
            assertThat(INVOCATIONS).as("command '%s' takes a model: add it to this test", sub.getKey()).containsKey(sub.getKey());
            List<String> refs = INVOCATIONS.get(sub.getKey()).contains("EMBEDDING")
                    ? List.of(embeddingFile, EMBEDDING_PULLED, EMBEDDING_OLLAMA) : List.of(file, PULLED, OLLAMA);
            for (String ref : refs) {
                List<String> args = INVOCATIONS.get(sub.getKey()).stream().map(a -> a.equals("MODEL") || a.equals("EMBEDDING") ? ref : a.equals("OUT") ? dir.resolve("logits.f32").toString()
                        : a.equals("INDEX") ? dir.resolve("index").toString()
                        : a.equals("MEDQA") ? dir.resolve("medqa").toString() : a).toList();
                CliRun r = sub.getKey().equals("serve") ? serveOnce(args) : withStdin("Hello\n", args);
                assertThat(r.exitCode()).as("%s with %s: %s", sub.getKey(), ref, r.err()).isZero();
            }
            covered.add(sub.getKey());
        }
        assertThat(covered).containsAll(INVOCATIONS.keySet());
    }

    /** Puts {@code fixture} in our store as {@code pulled} and in Ollama's as {@code name:tag} (links, not copies). */
    private static void register(Path fixture, String pulled, String name, String tag) throws Exception {
        Path inStore = Path.of(System.getenv("MEDGEMMA_HOME"), "models").resolve(pulled);
        Files.createDirectories(inStore.getParent());
        Files.deleteIfExists(inStore);
        Files.createSymbolicLink(inStore, fixture);
        Path ollama = Path.of(System.getenv("OLLAMA_MODELS"));
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fixture.toString().getBytes()));
        Path blob = Files.createDirectories(ollama.resolve("blobs")).resolve("sha256-" + hex);
        Files.deleteIfExists(blob);
        Files.createSymbolicLink(blob, fixture);
        Path manifest = Files.createDirectories(ollama.resolve("manifests/registry.ollama.ai/library").resolve(name)).resolve(tag);
        Files.writeString(manifest, """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%s","size":10},
                 "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":%d}]}
                """.formatted("0".repeat(64), hex, Files.size(fixture)));
    }

    /** One run with {@code input} as standard input (never the test JVM's own, which surefire owns). */
    private static CliRun withStdin(String input, List<String> args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return CliRun.of(args.toArray(String[]::new));
        } finally {
            System.setIn(saved);
        }
    }

    /** Starts serve in a thread, asks it for its models, then interrupts it; the exit code is the command's. */
    private static CliRun serveOnce(List<String> args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        CommandLine cl = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err, true));
        Thread t = new Thread(() -> code.set(cl.execute(args.toArray(String[]::new))));
        t.start();
        Pattern listening = Pattern.compile("serving (\\S+) on http://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + 60_000_000_000L;
        Matcher m;
        while (!(m = listening.matcher(err.toString())).find()) {
            if (!t.isAlive() || System.nanoTime() > deadline) {
                t.interrupt();
                t.join(10_000);
                return new CliRun(code.get() == 0 ? 1 : code.get(), out.toString(), "did not start serving: " + err);
            }
            Thread.sleep(50);
        }
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(2) + "/api/tags")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        t.interrupt();
        t.join(30_000);
        boolean listed = body.contains("\"" + m.group(1) + "\"");
        return new CliRun(listed ? 0 : 1, out.toString(), err + " /api/tags: " + body);
    }
}
