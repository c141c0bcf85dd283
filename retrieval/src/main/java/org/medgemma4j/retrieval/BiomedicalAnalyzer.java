package org.medgemma4j.retrieval;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.PatternKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;

/**
 * English analysis for biomedical text, the same at index and query time.
 * <ul>
 * <li>Split on whitespace, then on punctuation and hyphens with the word parts kept and also joined:
 *     "IL-6" gives il, 6 and il6, so "IL6", "IL 6" and "IL-6" meet; "COVID-19" gives covid, 19, covid19.</li>
 * <li>Letters and digits inside a word stay together ("p53", "H1N1", "BRCA1", "CD4"): a gene name is one
 *     term, and a case change does not split ("mRNA").</li>
 * <li>Possessives go ("Alzheimer's" is alzheimer); stop words are English's plus question words, which
 *     say nothing about the topic ("does", "what", "whether").</li>
 * <li>Porter stemming, except for terms with digits: "il6" or "hba1c" must not be stemmed like words.</li>
 * </ul>
 */
public final class BiomedicalAnalyzer extends Analyzer {

    /** The analyzer's name, kept in the index so that a later change of analysis is noticed. */
    public static final String VERSION = "biomedical-1";

    static final CharArraySet STOP_WORDS;

    static {
        CharArraySet set = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, false);
        set.addAll(List.of("what", "which", "who", "whom", "whose", "how", "why", "when", "where", "whether",
                "do", "does", "did", "done", "can", "could", "should", "would", "may", "might", "must", "shall",
                "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having",
                "from", "than", "so", "its", "it's", "our", "we", "you", "your", "i", "me", "my", "he", "she",
                "his", "her", "him", "them", "us", "about", "also", "any", "all", "some", "more", "most", "many", "much",
                "very", "there", "here", "other", "between"));
        STOP_WORDS = CharArraySet.unmodifiableSet(set);
    }

    private static final Pattern HAS_DIGIT = Pattern.compile(".*\\d.*");
    private static final int WORD_PARTS = WordDelimiterGraphFilter.GENERATE_WORD_PARTS
            | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
            | WordDelimiterGraphFilter.CATENATE_ALL
            | WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new WhitespaceTokenizer();
        TokenStream ts = new WordDelimiterGraphFilter(source, WORD_PARTS, null);
        // The index keeps no token graph; queries are bags of terms, so flattening costs nothing.
        ts = new FlattenGraphFilter(ts);
        ts = new LowerCaseFilter(ts);
        ts = new StopFilter(ts, STOP_WORDS);
        ts = new PatternKeywordMarkerFilter(ts, HAS_DIGIT);
        ts = new PorterStemFilter(ts);
        return new TokenStreamComponents(source, ts);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
    }
}
