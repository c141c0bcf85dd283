package org.medgemma4j.store.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * Where tests find the real data sets: $MEDGEMMA_DATA, else the {@code shared/data} folder beside the
 * repository (CI lays one there). When a set is absent the calling test is skipped (aborted, not failed)
 * with one line naming the missing files, their public source and licence, and how to fetch them; every
 * test that needs no data still runs. Read in place: never copy the data into the repository.
 */
public final class TestData {

    private TestData() {
    }

    /** The data folder tests read: $MEDGEMMA_DATA, else ../shared/data beside the repository root. */
    public static Path dataDir() {
        String env = System.getenv("MEDGEMMA_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return repoRoot().getParent().resolve("shared").resolve("data");
    }

    /** The folder of {@code set} (all its files present), or the calling test is skipped saying what is missing. */
    public static Path require(DataSet set) {
        Path dir = dataDir();
        List<DataSet.DataFile> missing = set.missingIn(dir);
        Assumptions.assumeTrue(missing.isEmpty(), () -> "data set '" + set.id() + "' missing in " + dir + " ("
                + missing.stream().map(DataSet.DataFile::name).collect(Collectors.joining(", ")) + "; "
                + set.description() + ", from " + set.source() + ", licence " + set.licence()
                + "): set MEDGEMMA_DATA or run `medgemma data fetch " + set.id() + "`; see docs/data.md");
        return set.folderIn(dir);
    }

    /** One file of {@code set}, skipping the calling test as {@link #require} does when the set is absent. */
    public static Path file(DataSet set, String name) {
        Path f = require(set).resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(f), () -> "data file missing: " + f);
        return f;
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    /** Every set missing from the test data folder (for a summary line). */
    public static List<DataSet> missingSets() {
        List<DataSet> out = new ArrayList<>();
        for (DataSet s : DataSet.values()) {
            if (!s.missingIn(dataDir()).isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
