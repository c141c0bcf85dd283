package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.server.MedgemmaServer;
import org.medgemma4j.server.Origins;
import org.medgemma4j.server.ServerConfig;
import org.medgemma4j.testing.FixtureModels;

/** serve --deid: with text logging on, the log holds the prompt de-identified, never the patient's details. */
class ServeDeidTest {

    private static final String NOTE = "Mr. John Smith (MRN 8812345) was seen at Massachusetts General Hospital on 03/14/2024; "
            + "call his daughter Mary at 617-555-0199. HbA1c 8.1% on metformin 500 mg. Summarise.";

    private static List<String> logged(UnaryOperator<String> scrubber) throws Exception {
        List<String> lines = new ArrayList<>();
        Logger engineLog = Logger.getLogger("org.medgemma4j.server.Engine");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (lines) {
                    lines.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        engineLog.addHandler(capture);
        engineLog.setLevel(Level.INFO);
        try (LoadedModel model = LoadedModel.open(FixtureModels.quantized(FixtureModels.TINY, "Q8_0"), 1);
             MedgemmaServer server = MedgemmaServer.start(model, new ServerConfig("tiny", "127.0.0.1", 0, 1, 512, 32, 2, null,
                     64 * 1024, true, Origins.withDefaults(List.of()), scrubber))) {
            String body = "{\"model\":\"tiny\",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":4},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"" + NOTE + "\"}]}";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        } finally {
            engineLog.removeHandler(capture);
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Test
    void theLogNeverHoldsThePatientsDetails() throws Exception {
        String plain = String.join("\n", logged(UnaryOperator.identity()));
        assertThat(plain).contains("John Smith").contains("8812345"); // the test can see a leak when there is one

        String scrubbed = String.join("\n", logged(DeidScrubber.standard()));
        assertThat(scrubbed).contains("prompt:").contains("[NAME]").contains("metformin 500 mg").contains("8.1%");
        for (String phi : List.of("John", "Smith", "Mary", "8812345", "617-555-0199", "03/14/2024", "Massachusetts General")) {
            assertThat(scrubbed).doesNotContain(phi);
        }
    }
}
