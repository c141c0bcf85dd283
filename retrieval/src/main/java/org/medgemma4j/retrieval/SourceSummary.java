package org.medgemma4j.retrieval;

/** One ingested file: how many passages it holds now. */
public record SourceSummary(String source, long passages) {
}
