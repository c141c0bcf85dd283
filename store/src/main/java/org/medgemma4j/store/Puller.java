package org.medgemma4j.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.store.fit.Catalog;
import org.medgemma4j.store.fit.QuantMix;

/** {@code pull}: turns a reference into Hugging Face files and downloads the ones the store lacks. */
public final class Puller {

    /** What pull did with one file. */
    public record Pulled(ModelRef.HfFile file, Path path, boolean downloaded) {
    }

    private final ModelStore store;
    private final HfClient hf;
    private final Downloader downloader;

    public Puller(ModelStore store, HfClient hf, DownloadProgress progress) {
        this.store = store;
        this.hf = hf;
        this.downloader = new Downloader(progress, new GgufCheck());
    }

    public List<Pulled> pull(ModelRef ref) throws IOException {
        return switch (ref) {
            case ModelRef.HfFile f -> List.of(pullFile(f, null));
            case ModelRef.HfRepo r -> pullRepo(r);
            case ModelRef.Named n -> {
                Catalog.Entry e = Catalog.entry(n).orElseThrow(() -> new StoreException("unknown model '" + n
                        + "': pull takes hf.co/ORG/REPO:QUANT, ORG/REPO/FILE.gguf or a catalog name ("
                        + String.join(", ", Catalog.ENTRIES.stream().map(Catalog.Entry::name).toList())
                        + "); models pulled with Ollama are used where they are"));
                QuantMix q = Catalog.quantOf(n);
                yield pullRepo(Catalog.hfRef(e, q));
            }
            case ModelRef.LocalFile l -> throw new StoreException(l + " is a local file; there is nothing to pull");
        };
    }

    private List<Pulled> pullRepo(ModelRef.HfRepo r) throws IOException {
        List<Pulled> out = new ArrayList<>();
        for (RepoFile f : QuantPicker.pick(hf.listFiles(r.org(), r.repo()), r.quant(), r.repoId())) {
            out.add(pullFile(new ModelRef.HfFile(r.org(), r.repo(), f.path()), f));
        }
        return out;
    }

    private Pulled pullFile(ModelRef.HfFile f, RepoFile listed) throws IOException {
        Path target = store.pathOf(f);
        if (Files.isRegularFile(target)) {
            return new Pulled(f, target, false);
        }
        RepoFile info = listed != null && listed.sha256() != null ? listed : hf.head(f);
        downloader.download(f.toString(), hf.source(f), info.size(), info.sha256(), target);
        return new Pulled(f, target, true);
    }
}
