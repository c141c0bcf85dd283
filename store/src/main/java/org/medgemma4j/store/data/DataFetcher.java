package org.medgemma4j.store.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.store.DownloadProgress;
import org.medgemma4j.store.Downloader;
import org.medgemma4j.store.UrlSource;

/**
 * {@code medgemma data fetch}: downloads a data set's files into a data folder as {@code NAME/FILE}
 * with the downloader {@code pull} uses (resume, SHA-256, atomic move). A file already there with the
 * catalog's checksum is kept; one that differs is fetched again and replaced. Files come from their
 * public source, or from a mirror laid out as {@code BASE/NAME/FILE} (the data folder's own layout).
 */
public final class DataFetcher {

    /** The environment variable naming a mirror, when no base URL is given. */
    public static final String MIRROR_ENV = "MEDGEMMA_DATA_MIRROR";

    /** What fetch did with one file. */
    public enum Outcome {
        /** Already there with the right checksum: not fetched. */
        PRESENT,
        DOWNLOADED,
        /** There with another checksum (corrupt or a different version): fetched again. */
        REPLACED
    }

    /** One file: {@code folder} is its data set's folder name ({@link DataSet#id()}). */
    public record Fetched(String folder, DataSet.DataFile file, Path path, Outcome outcome, URI from) {
    }

    private final Path dataDir;
    private final String mirror;
    private final Downloader downloader;

    /** {@code mirror}: a base URL to fetch from instead of the public sources, or null. */
    public DataFetcher(Path dataDir, String mirror, DownloadProgress progress) {
        this.dataDir = dataDir;
        this.mirror = mirror == null || mirror.isBlank() ? null : mirror.strip().replaceAll("/+$", "");
        this.downloader = new Downloader(progress, Downloader.ContentCheck.NONE);
        if (this.mirror != null) {
            new UrlSource(URI.create(this.mirror + "/")); // a bad base URL is an error before anything is fetched
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Fetches every file of {@code set} that is not already present and whole. */
    public List<Fetched> fetch(DataSet set) throws IOException {
        List<Fetched> out = new ArrayList<>();
        for (DataSet.DataFile f : set.downloads()) {
            out.add(fetch(set.id(), f));
        }
        return out;
    }

    /** Fetches one file into {@code folder} of the data folder unless it is already there and whole. */
    public Fetched fetch(String folder, DataSet.DataFile f) throws IOException {
        Path target = dataDir.resolve(folder).resolve(f.name());
        URI from = sourceOf(folder, f);
        boolean there = Files.isRegularFile(target);
        if (there && Files.size(target) == f.size() && Downloader.sha256(target).equals(f.sha256())) {
            return new Fetched(folder, f, target, Outcome.PRESENT, from);
        }
        // A differing file stays until the new one has passed its check: the move then replaces it.
        downloader.download(folder + "/" + f.name() + " from " + from, new UrlSource(from), f.size(), f.sha256(), target);
        return new Fetched(folder, f, target, there ? Outcome.REPLACED : Outcome.DOWNLOADED, from);
    }

    /** The public address of a file, or its place on the mirror. */
    URI sourceOf(String folder, DataSet.DataFile f) {
        return URI.create(mirror == null ? f.url() : mirror + "/" + folder + "/" + f.name());
    }
}
