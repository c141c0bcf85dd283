package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaOracle;
import picocli.CommandLine;

/** The tokenize and detokenize commands print llama.cpp's ids and text. */
class TokenizeCommandTest {

    private static final String TEXT = "<start_of_turn>user\nMetoprolol 25 mg PO BID?  HbA1c 7.2% 患者 🩺<end_of_turn>\n";

    private final Path model = FixtureModels.f32(FixtureModels.TINY);

    private record Run(int exitCode, String out) {
    }

    private static Run run(byte[] stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin));
        try {
            CommandLine cl = Main.commandLine();
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            int code = cl.execute(args);
            return new Run(code, out.toString());
        } finally {
            System.setIn(saved);
        }
    }

    private Run tokenize(byte[] stdin, String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "tokenize";
        args[1] = "-m";
        args[2] = model.toString();
        System.arraycopy(flags, 0, args, 3, flags.length);
        return run(stdin, args);
    }

    @Test
    void printsTheOraclesIds() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        for (String[] flags : new String[][] {{}, {"--no-bos"}, {"--special"}, {"--no-bos", "--special"}}) {
            List<String> f = List.of(flags);
            int[] expected = LlamaOracle.tokenize(model, TEXT, !f.contains("--no-bos"), f.contains("--special"));
            assertThat(tokenize(bytes, flags)).isEqualTo(new Run(0, idList(expected)));
        }
    }

    /** The ids as the command prints them: a JSON list, ", " between ids, one line. */
    private static String idList(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")) + "\n";
    }

    @Test
    void emptyInputGivesBosOnly() {
        assertThat(tokenize(new byte[0])).isEqualTo(new Run(0, "[2]\n"));
        assertThat(tokenize(new byte[0], "--no-bos")).isEqualTo(new Run(0, "[]\n"));
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() {
        byte[] bytes = {'o', 'k', ' ', (byte) 0xFF, (byte) 0xFE, ' ', 'c', 'a', 'f', (byte) 0xC3, ' ',
            (byte) 0xED, (byte) 0xA0, (byte) 0x80, ' ', (byte) 0xE2, (byte) 0x82};
        String replaced = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes)).toString();
        assertThat(replaced).contains("\uFFFD");
        assertThat(tokenize(bytes)).isEqualTo(new Run(0, idList(LlamaOracle.tokenize(model, replaced, true, false))));
    }

    @Test
    void detokenizePrintsTheOraclesText() {
        // BOS, turn markers, a space run, the bytes of an emoji, then an emoji cut short and a stray byte.
        String ids = "2,105,2364,107,236840,239897,237168,236743,241720,160,478,397,407,424,106,478,397,493";
        Run run = run(new byte[0], "detokenize", "-m", model.toString(), "--ids", ids);
        int[] parsed = Arrays.stream(ids.split(",")).mapToInt(Integer::parseInt).toArray();
        assertThat(run).isEqualTo(new Run(0, LlamaOracle.detokenize(model, parsed)));
    }

    @Test
    void detokenizeRejectsIdsOutsideTheVocabulary() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("detokenize", "-m", model.toString(), "--ids", "2,262144")).isNotZero();
        assertThat(err.toString()).contains("262144");
    }
}
