package org.medgemma4j.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Command;

/**
 * {@code medgemma data}: the public data sets the evaluation, retrieval and de-identification read.
 * Not Runnable, so {@code medgemma data} alone is a usage error naming the subcommands.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Public medical data sets (PubMedQA, MedQA, MedMCQA, MMLU medical, the PhysioNet deid corpus, "
                + "the DrugBank open vocabulary): fetch them into the store, list them, print where one is. See docs/data.md.",
        subcommands = {DataFetchCommand.class, DataListCommand.class, DataPathCommand.class})
final class DataCommand {

    /** The set a user named, or a clear error listing the names there are. */
    static DataSet named(String name) {
        return DataSet.byId(name).orElseThrow(() -> new IllegalArgumentException("unknown data set '" + name
                + "': the data sets are " + Arrays.stream(DataSet.values()).map(DataSet::id).collect(Collectors.joining(", "))));
    }
}
