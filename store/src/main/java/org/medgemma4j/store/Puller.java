package org.medgemma4j.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.medgemma4j.store.fit.Catalog;
import org.medgemma4j.store.fit.QuantMix;

/**
 * {@code pull}: turns a reference into Hugging Face files and downloads the ones the store lacks. A repository
 * pull brings the repository's image encoder (mmproj) along, beside the model, where the CLI and the server
 * find it.
 */
public final class Puller {

    /** What pull did with one file; {@code imageEncoder} for the mmproj pulled beside the model. */
    public record Pulled(ModelRef.HfFile file, Path path, boolean downloaded, boolean imageEncoder) {
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
        List<RepoFile> listing = hf.listFiles(r.org(), r.repo());
        List<Pulled> out = new ArrayList<>();
        for (RepoFile f : QuantPicker.pick(listing, r.quant(), r.repoId())) {
            out.add(pullFile(new ModelRef.HfFile(r.org(), r.repo(), f.path()), f));
        }
        Optional<RepoFile> encoder = QuantPicker.imageEncoder(listing);
        if (encoder.isPresent()) {
            ModelRef.HfFile e = new ModelRef.HfFile(r.org(), r.repo(), encoder.get().path());
            out.add(pull(e, encoder.get(), besideModel(out.get(0).path(), e), true));
        }
        return out;
    }

    /**
     * Where the image encoder goes: the model's folder (a split model's parts may sit in a subfolder), named
     * mmproj* so that the model's users find it there.
     */
    private static Path besideModel(Path model, ModelRef.HfFile encoder) {
        String name = encoder.file().substring(encoder.file().lastIndexOf('/') + 1);
        return model.resolveSibling(name.toLowerCase(Locale.ROOT).startsWith("mmproj") ? name : "mmproj-" + name);
    }

    private Pulled pullFile(ModelRef.HfFile f, RepoFile listed) throws IOException {
        return pull(f, listed, store.pathOf(f), false);
    }

    private Pulled pull(ModelRef.HfFile f, RepoFile listed, Path target, boolean imageEncoder) throws IOException {
        if (Files.isRegularFile(target)) {
            return new Pulled(f, target, false, imageEncoder);
        }
        RepoFile info = listed != null && listed.sha256() != null ? listed : hf.head(f);
        downloader.download(f.toString(), hf.source(f), info.size(), info.sha256(), target);
        return new Pulled(f, target, true, imageEncoder);
    }
}
