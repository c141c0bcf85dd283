package org.medgemma4j.evaluation;

import java.io.IOException;

/** Puts one item to a model and scores what comes back. */
public interface Answerer {

    ItemResult answer(Item item) throws IOException;

    /** How many items may be in flight at once. */
    int parallelism();
}
