package org.medgemma4j.retrieval;

/**
 * @param passages      indexed passages (abstracts and chunks)
 * @param pubmed        distinct PubMed ids
 * @param sources       ingested files
 * @param bytes         the index's size on disk
 * @param vectorDims    the dense vectors' dimension, 0 when the index has none
 * @param embeddingModel the model the vectors came from, "" when none
 * @param analyzer      the text analysis the index was built with
 */
public record IndexStats(long passages, long pubmed, long sources, long bytes, int vectorDims, String embeddingModel,
                         String analyzer) {
}
