package org.medgemma4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medgemma4j.store.DownloadProgress;
import org.medgemma4j.store.TerminalProgress;
import org.medgemma4j.store.data.DataFetcher;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code medgemma data fetch [NAME...]}: downloads data sets from their public sources (or a mirror)
 * with the downloader pull uses. Every named set is tried; a failed one is reported and the rest go
 * on, so one unreachable host does not hold back the others.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download data sets (all when no NAME is given) into the store's data folder, resumable and "
                + "SHA-256 checked; whole files already there are kept, differing ones replaced.")
final class DataFetchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "data sets to fetch (see `medgemma data list`)")
    List<String> names = List.of();

    @Mixin
    DataFolderOption folder;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "fetch from a mirror laid out as URL/NAME/FILE instead of the public sources "
                    + "(default: $" + DataFetcher.MIRROR_ENV + ")")
    String baseUrl;

    @Option(names = "--progress", description = "draw the progress bar even when stderr is not a terminal")
    boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<DataSet> sets = names.isEmpty() ? Arrays.asList(DataSet.values()) : names.stream().map(DataCommand::named).toList();
        DownloadProgress bar = TerminalProgress.forStderr(progress);
        DataFetcher fetcher = new DataFetcher(folder.fetchTarget(), baseUrl != null ? baseUrl : System.getenv(DataFetcher.MIRROR_ENV), bar);
        int failed = 0;
        for (DataSet set : sets) {
            try {
                for (DataFetcher.Fetched f : fetcher.fetch(set)) {
                    out.println(describe(f));
                    out.flush();
                }
                out.println(set.id() + ": ready in " + set.folderIn(fetcher.dataDir()) + " (licence " + set.licence() + ")");
            } catch (IOException e) {
                failed++;
                err.println("medgemma: data set " + set.id() + ": " + e.getMessage());
            }
            out.flush();
            err.flush();
        }
        if (failed > 0) {
            err.println("medgemma: " + failed + " of " + sets.size() + " data sets not fetched; run the same command again to resume");
            err.flush();
            return 1;
        }
        return 0;
    }

    private static String describe(DataFetcher.Fetched f) {
        String name = f.folder() + "/" + f.file().name();
        return switch (f.outcome()) {
            case PRESENT -> "present     " + name + " (checksum verified)";
            case DOWNLOADED -> "downloaded  " + name + " (" + size(f.file().size()) + ") from " + f.from();
            case REPLACED -> "replaced    " + name + " (its checksum differed; " + size(f.file().size()) + " from " + f.from() + ")";
        };
    }

    private static String size(long bytes) {
        return bytes < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
