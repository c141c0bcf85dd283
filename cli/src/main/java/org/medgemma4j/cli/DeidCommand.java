package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medgemma4j.privacy.deid.DeidMode;
import org.medgemma4j.privacy.deid.Deidentifier;
import org.medgemma4j.privacy.deid.DrugVocabulary;
import org.medgemma4j.privacy.deid.Lexicon;
import org.medgemma4j.privacy.deid.PhiScorer;
import org.medgemma4j.privacy.deid.PhiSpan;
import org.medgemma4j.privacy.deid.PhysioNetCorpus;
import org.medgemma4j.privacy.deid.Redactor;
import org.medgemma4j.privacy.deid.Surrogates;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma deid FILE...}: de-identifies clinical notes; {@code --evaluate-physionet} scores itself. */
@Command(name = "deid", mixinStandardHelpOptions = true,
        description = {"De-identify clinical text: names, dates, ages over 89, phone, e-mail, SSN, ID numbers, addresses,",
                "towns, ZIP codes, facilities, URLs and IP addresses. A research aid, not a guarantee: review before sharing.",
                "--json offsets count Unicode code points of the input (as Python's str indexes)."})
final class DeidCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "text files to de-identify (UTF-8)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", description = "redact (default: [NAME], [DATE], ...), surrogate (fake values, dates shifted) or spans (text unchanged)")
    String mode = "redact";

    @Option(names = "--json", description = "one JSON line per file: {\"file\",\"text\",\"spans\":[{\"start\",\"end\",\"category\"}]}")
    boolean json;

    @Option(names = "--key", paramLabel = "SECRET", description = "surrogate mode: the secret that picks fake values and date offsets (default: random per run)")
    String key;

    @Option(names = "--patient", paramLabel = "ID", description = "surrogate mode: the patient all FILEs belong to (one date offset); default: one per file")
    String patient;

    @Option(names = "--drugs", paramLabel = "CSV", description = "the DrugBank open vocabulary CSV (default: the 'drugs' data set where DataSet finds it)")
    Path drugs;

    @Option(names = "--evaluate-physionet", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = "score on the PhysioNet deid gold corpus (id.text, id-phi.phrase); DIR defaults to the 'deid' data set")
    String evaluate;

    @Spec
    CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DeidMode m = DeidMode.parse(mode);
        Deidentifier deid = new Deidentifier(Lexicon.bundled(drugs != null ? DrugVocabulary.read(drugs) : DrugVocabulary.locate()));
        if (evaluate != null) {
            if (!files.isEmpty()) {
                throw new IllegalArgumentException("--evaluate-physionet takes no FILEs");
            }
            Path dir = evaluate.isEmpty() ? DataSet.DEID.require() : Path.of(evaluate);
            evaluate(deid, PhysioNetCorpus.read(dir), out);
            return 0;
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("give one or more FILEs to de-identify, or --evaluate-physionet");
        }
        String secret = key != null ? key : Long.toHexString(new java.security.SecureRandom().nextLong());
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            List<PhiSpan> spans = deid.find(text);
            String result = switch (m) {
                case REDACT -> Redactor.redact(text, spans);
                case SURROGATE -> new Surrogates(secret, patient != null ? patient : f.toString()).apply(text, spans);
                case SPANS -> text;
            };
            if (json) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("file", f.toString());
                line.put("text", result);
                List<Map<String, Object>> list = new ArrayList<>();
                for (PhiSpan s : spans) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("start", s.codePointStart(text));
                    o.put("end", s.codePointEnd(text));
                    o.put("category", s.category().name());
                    list.add(o);
                }
                line.put("spans", list);
                out.println(JSON.writeValueAsString(line));
            } else if (m == DeidMode.SPANS) {
                for (PhiSpan s : spans) {
                    out.println(f + "\t" + s.codePointStart(text) + "\t" + s.codePointEnd(text) + "\t" + s.category());
                }
            } else {
                if (files.size() > 1) {
                    out.println("==> " + f + " <==");
                }
                out.print(result);
                if (!result.endsWith("\n")) {
                    out.println();
                }
            }
        }
        out.flush();
        return 0;
    }

    private void evaluate(Deidentifier deid, PhysioNetCorpus corpus, PrintWriter out) throws IOException {
        deid.find("warm-up: Dr. Smith saw the patient on 7/22.");
        long t0 = System.nanoTime();
        // The rules were tuned on patients 1-51 (the first half of the notes); 52 on were not looked at.
        PhiScorer.Score tuning = PhiScorer.score(corpus, deid, id -> id.patient() <= 51);
        PhiScorer.Score heldOut = PhiScorer.score(corpus, deid, id -> id.patient() > 51);
        PhiScorer.Score all = tuning.plus(heldOut);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (json) {
            Map<String, Object> o = scoreJson(all);
            o.put("tuning_patients_1_51", scoreJson(tuning));
            o.put("held_out_patients_52_on", scoreJson(heldOut));
            o.put("notes_per_second", all.notes() / seconds);
            o.put("mb_per_second", all.characters() / 1e6 / seconds);
            out.println(JSON.writeValueAsString(o));
        } else {
            print(out, "all notes", all);
            print(out, "tuning half (patients 1-51)", tuning);
            print(out, "held-out half (patients 52 on)", heldOut);
            out.printf("throughput: %.0f notes/s, %.2f MB/s%n", all.notes() / seconds, all.characters() / 1e6 / seconds);
        }
        out.flush();
    }

    private static Map<String, Object> scoreJson(PhiScorer.Score s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("recall", round(s.recall()));
        o.put("precision", round(s.precision()));
        o.put("gold_spans", s.goldSpans());
        o.put("gold_found", s.goldFound());
        o.put("found_spans", s.foundSpans());
        o.put("found_right", s.foundRight());
        o.put("notes", s.notes());
        Map<String, Object> cats = new LinkedHashMap<>();
        s.perCategory().forEach((k, v) -> cats.put(k, Map.of("gold", v.gold(), "found", v.found(), "recall", round(v.recall()))));
        o.put("per_category", cats);
        return o;
    }

    private static void print(PrintWriter out, String title, PhiScorer.Score s) {
        out.printf("%s: %d notes, recall %.3f (%d/%d gold spans), precision %.3f (%d/%d found spans)%n", title, s.notes(),
                s.recall(), s.goldFound(), s.goldSpans(), s.precision(), s.foundRight(), s.foundSpans());
        s.perCategory().forEach((k, v) -> out.printf("  %-18s recall %.3f (%d/%d)%n", k, v.recall(), v.found(), v.gold()));
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
