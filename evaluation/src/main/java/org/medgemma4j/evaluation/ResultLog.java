package org.medgemma4j.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --out} JSON-lines file, one {@link ItemResult} a line, written as each item finishes so an
 * interrupted run resumes where it stopped: the items already there are skipped and counted. A last line cut
 * off by the interruption is dropped (its item runs again); a damaged line anywhere else is an error.
 */
public final class ResultLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ItemResult> done;
    private final BufferedWriter out;

    private ResultLog(Map<String, ItemResult> done, BufferedWriter out) {
        this.done = done;
        this.out = out;
    }

    /** Opens (creating or resuming) the file; null path: results are kept nowhere. */
    public static ResultLog open(Path file) throws IOException {
        if (file == null) {
            return new ResultLog(new LinkedHashMap<>(), null);
        }
        Map<String, ItemResult> done = read(file, true);
        if (Files.exists(file)) {
            // rewrite without a cut-off last line, so appended lines start on a line of their own
            List<String> lines = new ArrayList<>();
            for (ItemResult r : done.values()) {
                lines.add(JSON.writeValueAsString(r));
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ResultLog(done, w);
    }

    /** The results in a file, by item id in file order (for comparing two runs). */
    public static Map<String, ItemResult> read(Path file) throws IOException {
        return read(file, false);
    }

    private static Map<String, ItemResult> read(Path file, boolean tolerateCutOffEnd) throws IOException {
        Map<String, ItemResult> done = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return done;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                ItemResult r = JSON.readValue(lines.get(i), ItemResult.class);
                if (r.id() == null) {
                    throw new IOException("no id");
                }
                done.put(r.id(), r);
            } catch (IOException e) {
                if (tolerateCutOffEnd && i == lines.size() - 1) {
                    break;
                }
                throw new IOException(file + ":" + (i + 1) + ": not a result line (" + e.getMessage() + ")", e);
            }
        }
        return done;
    }

    /** The result already recorded for this item, or null. */
    public ItemResult recorded(String id) {
        return done.get(id);
    }

    public synchronized void write(ItemResult r) throws IOException {
        done.put(r.id(), r);
        if (out != null) {
            out.write(JSON.writeValueAsString(r));
            out.newLine();
            out.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
