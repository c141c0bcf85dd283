package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code medgemma data list}: every data set, where it is (or what is missing), its size, source and licence. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List the data sets: present where, or missing; size, source and licence.")
final class DataListCommand implements Callable<Integer> {

    @Mixin
    DataFolderOption folder;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> searched = folder.searchPath();
        for (DataSet set : DataSet.values()) {
            State s = state(set, searched);
            out.printf(Locale.ROOT, "%-9s %-10s %6.1f MB  %s%n", set.id(), s.label, set.size() / 1e6, s.detail);
            out.printf("          %s%n          licence %s; from %s%n", set.description(), set.licence(), set.source());
        }
        out.println("searched " + searched.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "; fetch a set with: medgemma data fetch NAME");
        out.flush();
        return 0;
    }

    private record State(String label, String detail) {
    }

    private static State state(DataSet set, List<Path> searched) {
        Optional<Path> at = set.locateIn(searched);
        if (at.isPresent()) {
            return new State("present", at.get().toString());
        }
        for (Path dir : searched) {
            List<DataSet.DataFile> missing = set.missingIn(dir);
            if (missing.size() < set.files().size()) { // some files there: an interrupted or partial copy
                return new State("incomplete", set.folderIn(dir) + " lacks "
                        + missing.stream().map(DataSet.DataFile::name).collect(Collectors.joining(", ")));
            }
        }
        return new State("missing", "medgemma data fetch " + set.id());
    }
}
