package org.medgemma4j.store;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The research-use notice MedGemma's terms call for, shown the first time a MedGemma model is run
 * from a store (a marker file in the store's home records that it was shown).
 */
public final class ResearchNotice {

    public static final String TEXT = """
            MedGemma is provided under the Gemma Terms of Use and the Health AI Developer Foundations (HAI-DEF) terms.
            It is for research use only: it is not a medical device, it can state wrong drug names, dosages and
            contraindications with confidence, and its output must not be used for clinical decisions without
            review by a qualified physician. See https://developers.google.com/health-ai-developer-foundations/terms""";

    static final String MARKER = "research-notice-shown";

    private ResearchNotice() {
    }

    /** Prints the notice once per store home, for models named like MedGemma; true when it was printed. */
    public static boolean showOnce(String modelName, Path home, PrintWriter err) throws IOException {
        if (modelName == null || !modelName.toLowerCase(Locale.ROOT).contains("medgemma")) {
            return false;
        }
        Path marker = home.resolve(MARKER);
        if (Files.exists(marker)) {
            return false;
        }
        err.println(TEXT);
        err.flush();
        Files.createDirectories(home);
        Files.writeString(marker, "shown\n");
        return true;
    }
}
