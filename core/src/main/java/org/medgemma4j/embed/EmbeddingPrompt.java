package org.medgemma4j.embed;

/**
 * The prompts EmbeddingGemma was trained with (its model card and sentence-transformers config): a
 * question is embedded as {@code task: search result | query: Q}, a document as
 * {@code title: T | text: X} with "none" when there is no title. Queries and documents must each get their
 * own prompt for retrieval to work as trained.
 */
public enum EmbeddingPrompt {
    /** A search query. */
    QUERY,
    /** A document or passage to be found. */
    DOCUMENT,
    /** The text as given, no prompt. */
    NONE;

    /** The text to embed for {@code text}; for a document without a title. */
    public String apply(String text) {
        return apply(null, text);
    }

    /** The text to embed; {@code title} is used by {@link #DOCUMENT} only (null or blank: "none"). */
    public String apply(String title, String text) {
        return switch (this) {
            case QUERY -> query(text);
            case DOCUMENT -> document(title, text);
            case NONE -> text;
        };
    }

    public static String query(String query) {
        return "task: search result | query: " + query;
    }

    public static String document(String title, String text) {
        return "title: " + (title == null || title.isBlank() ? "none" : title.strip()) + " | text: " + text;
    }
}
