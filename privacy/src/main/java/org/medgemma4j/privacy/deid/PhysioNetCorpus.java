package org.medgemma4j.privacy.deid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PhysioNet de-identification gold corpus: {@code id.text} holds the notes, each between
 * {@code START_OF_RECORD=patient||||note||||} and {@code ||||END_OF_RECORD}; {@code id-phi.phrase} holds one
 * gold span a line, {@code patient note start end category text}, offsets into the note's text (which
 * starts after the header's newline).
 */
public record PhysioNetCorpus(List<Note> notes, Map<NoteId, List<GoldSpan>> gold) {

    public record NoteId(int patient, int note) {
    }

    public record Note(NoteId id, String text) {
    }

    /** A gold span with the corpus's own category name (HCPName, Location, Date, ...). */
    public record GoldSpan(int start, int end, String category, String text) {
    }

    private static final Pattern RECORD = Pattern.compile(
            "START_OF_RECORD=(\\d+)\\|\\|\\|\\|(\\d+)\\|\\|\\|\\|\\r?\\n(.*?)\\|\\|\\|\\|END_OF_RECORD", Pattern.DOTALL);

    /** Reads {@code dir/id.text} and {@code dir/id-phi.phrase}, checking that every gold span's text is where it says. */
    public static PhysioNetCorpus read(Path dir) throws IOException {
        Path textFile = dir.resolve("id.text");
        Path phraseFile = dir.resolve("id-phi.phrase");
        for (Path p : List.of(textFile, phraseFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + ": not found (the PhysioNet deid corpus has id.text and id-phi.phrase)");
            }
        }
        String all = Files.readString(textFile, StandardCharsets.UTF_8);
        List<Note> notes = new ArrayList<>();
        Map<NoteId, String> byId = new HashMap<>();
        Matcher m = RECORD.matcher(all);
        while (m.find()) {
            NoteId id = new NoteId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            notes.add(new Note(id, m.group(3)));
            byId.put(id, m.group(3));
        }
        if (notes.isEmpty()) {
            throw new IOException(textFile + ": no START_OF_RECORD=...||||END_OF_RECORD notes in it");
        }
        Map<NoteId, List<GoldSpan>> gold = new HashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(phraseFile, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+", 6);
            if (f.length < 5) {
                throw new IOException(phraseFile + ":" + lineNo + ": expected 'patient note start end category text', got: " + line);
            }
            NoteId id = new NoteId(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
            int start = Integer.parseInt(f[2]);
            int end = Integer.parseInt(f[3]);
            String text = byId.get(id);
            if (text == null || start < 0 || end > text.length() || start >= end) {
                throw new IOException(phraseFile + ":" + lineNo + ": span " + start + "-" + end + " is outside note " + id);
            }
            gold.computeIfAbsent(id, k -> new ArrayList<>()).add(new GoldSpan(start, end, f[4], text.substring(start, end)));
        }
        return new PhysioNetCorpus(List.copyOf(notes), Map.copyOf(gold));
    }

    public List<GoldSpan> goldOf(NoteId id) {
        return gold.getOrDefault(id, List.of());
    }

    public int goldCount() {
        return gold.values().stream().mapToInt(List::size).sum();
    }
}
