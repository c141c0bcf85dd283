package org.medgemma4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Option;

/** {@code --dir}: the data folder the data subcommands use instead of the store's. */
final class DataFolderOption {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "data folder holding NAME/FILE (default: the store's, $MEDGEMMA_HOME/data or "
                    + "~/.cache/medgemma4j/data; without --dir, list and path look in $MEDGEMMA_DATA first)")
    Path dir;

    /** Where fetch writes: --dir, else the store's data folder. */
    Path fetchTarget() {
        return dir != null ? dir : ModelStore.fromEnvironment().dataDir();
    }

    /** Where list and path look: --dir alone, else $MEDGEMMA_DATA then the store's data folder. */
    List<Path> searchPath() {
        return dir != null ? List.of(dir) : DataSet.searchPath();
    }
}
