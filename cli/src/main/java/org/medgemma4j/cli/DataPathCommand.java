package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma data path NAME}: the folder holding a data set, for scripts; absent sets are an error saying how to fetch. */
@Command(name = "path", mixinStandardHelpOptions = true,
        description = "Print the folder holding a data set's files ($MEDGEMMA_DATA first, then the store's data folder).")
final class DataPathCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "a data set (see `medgemma data list`)")
    String name;

    @Mixin
    DataFolderOption folder;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DataSet set = DataCommand.named(name);
        PrintWriter out = spec.commandLine().getOut();
        out.println(set.locateIn(folder.searchPath()).orElseThrow(() -> set.notFound(folder.searchPath())));
        out.flush();
        return 0;
    }
}
