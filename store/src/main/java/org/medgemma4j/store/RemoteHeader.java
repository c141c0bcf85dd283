package org.medgemma4j.store;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufHeader;
import org.medgemma4j.gguf.GgufIncompleteException;

/**
 * Reads the GGUF header of a file on Hugging Face with HTTP Range requests, without downloading the
 * file: the first megabytes, then twice as many while the header goes on (a Gemma 3 vocabulary puts
 * about 7 MB of metadata before the tensor table).
 */
public final class RemoteHeader {

    static final long FIRST_RANGE = 8L << 20;
    static final long MAX_HEADER = 512L << 20;

    private final HfClient hf;

    public RemoteHeader(HfClient hf) {
        this.hf = hf;
    }

    /** The header of one file of a repository. */
    public GgufHeader read(ModelRef.HfFile f) throws IOException {
        long size = hf.head(f).size();
        if (size <= 0) {
            throw new StoreException(f + ": the server did not say how large the file is");
        }
        Path name = Path.of(f.toString());
        long want = Math.min(FIRST_RANGE, size);
        while (true) {
            HttpResponse<byte[]> r = hf.range(f, 0, want - 1);
            byte[] prefix = r.body();
            if (prefix.length > want) { // a server that ignores Range sends the whole file
                prefix = java.util.Arrays.copyOf(prefix, (int) Math.min(prefix.length, Integer.MAX_VALUE - 8));
            }
            try {
                return GgufHeader.read(name, prefix, size);
            } catch (GgufIncompleteException more) {
                if (prefix.length < want || want >= Math.min(size, MAX_HEADER)) {
                    throw new GgufException(name, "header is larger than " + prefix.length + " bytes: not a model file medgemma4j can plan for");
                }
                want = Math.min(Math.max(want * 2, more.bytesNeeded()), Math.min(size, MAX_HEADER));
            }
        }
    }

    /** The header of the first file of a repository's quantization (split models plan from part 1). */
    public GgufHeader read(ModelRef.HfRepo r) throws IOException {
        RepoFile first = QuantPicker.pick(hf.listFiles(r.org(), r.repo()), r.quant(), r.repoId()).getFirst();
        return read(new ModelRef.HfFile(r.org(), r.repo(), first.path()));
    }
}
