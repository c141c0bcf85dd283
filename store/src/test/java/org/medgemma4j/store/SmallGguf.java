package org.medgemma4j.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medgemma4j.gguf.GgufWriter;

/** A few-kilobyte valid GGUF file for download tests (the fixture models are hundreds of MB). */
final class SmallGguf {

    private SmallGguf() {
    }

    static byte[] bytes(Path dir) throws IOException {
        Path p = dir.resolve("small.gguf");
        new GgufWriter().putString("general.architecture", "gemma3").putString("general.name", "small")
                .addTensor("blk.0.attn_q.weight", new long[] {64, 64}, new float[64 * 64]).write(p);
        byte[] b = Files.readAllBytes(p);
        Files.delete(p);
        return b;
    }
}
