package org.medgemma4j.retrieval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CombinedFieldQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The embedded backend: a Lucene index in one folder. BM25 (k1 0.9, b 0.4, the Pyserini/MedRAG setting)
 * as BM25F over title, text and MeSH headings ({@link CombinedFieldQuery}: one term's frequencies are
 * summed over the fields before saturation, so a word in both title and abstract is not counted twice as
 * two independent matches); vectors in Lucene's HNSW graph (cosine).
 */
public final class LuceneIndex implements SearchBackend {

    static final String ID = "id";
    static final String DOC = "doc";
    static final String SOURCE = "source";
    static final String PMID = "pmid";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String MESH = "mesh";
    static final String MESH_STORED = "mesh_heading";
    static final String YEAR = "year";
    static final String JOURNAL = "journal";
    static final String PAGE = "page";
    static final String CHUNK = "chunk";
    static final String CHUNKS = "chunks";
    static final String START = "start";
    static final String VECTOR = "vector";
    static final List<String> SEARCHED = List.of(TITLE, TEXT, MESH);

    private static final String META_ANALYZER = "analyzer";
    private static final String META_MODEL = "embedding.model";
    private static final String META_DIMS = "embedding.dims";

    public static final float K1 = 0.9f;
    public static final float B = 0.4f;

    private final Path folder;
    private final Directory dir;
    private final Analyzer analyzer = new BiomedicalAnalyzer();
    private final BM25Similarity similarity = new BM25Similarity(K1, B);
    private IndexWriter writer;
    private DirectoryReader reader;
    private String embeddingModel = "";
    private int vectorDims;

    private LuceneIndex(Path folder) throws IOException {
        this.folder = folder;
        this.dir = FSDirectory.open(folder);
        if (DirectoryReader.indexExists(dir)) {
            Map<String, String> meta = DirectoryReader.listCommits(dir).getLast().getUserData();
            String built = meta.getOrDefault(META_ANALYZER, "");
            if (!built.equals(BiomedicalAnalyzer.VERSION)) {
                dir.close();
                throw new IllegalArgumentException(folder + ": index built with analyzer '" + built + "', this version uses '"
                        + BiomedicalAnalyzer.VERSION + "': rebuild it (delete the folder and run index add again)");
            }
            embeddingModel = meta.getOrDefault(META_MODEL, "");
            vectorDims = Integer.parseInt(meta.getOrDefault(META_DIMS, "0"));
        }
    }

    /** Opens the index in {@code folder}, creating the folder (and an empty index on the first change). */
    public static LuceneIndex openOrCreate(Path folder) throws IOException {
        Files.createDirectories(folder);
        return new LuceneIndex(folder);
    }

    /** Opens an existing index, with a clear error when there is none. */
    public static LuceneIndex open(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + ": no index here; create one with `medgemma index add --index " + folder + " FILE...`");
        }
        LuceneIndex index = new LuceneIndex(folder);
        if (!DirectoryReader.indexExists(index.dir)) {
            index.close();
            throw new IllegalArgumentException(folder + ": not an index (empty folder); add files with `medgemma index add --index " + folder + " FILE...`");
        }
        return index;
    }

    public Path folder() {
        return folder;
    }

    /** The embedding model the index's vectors came from, "" when it has none. */
    public String embeddingModel() {
        return embeddingModel;
    }

    /** Records the embedding model; a different model than the index's vectors came from is refused. */
    public void useEmbeddingModel(String model, int dims) {
        if (!embeddingModel.isEmpty() && (!embeddingModel.equals(model) || vectorDims != dims)) {
            throw new IllegalArgumentException(folder + ": vectors in this index come from " + embeddingModel + " (" + vectorDims
                    + " dims), not " + model + " (" + dims + " dims); use that model or a new index");
        }
        embeddingModel = model;
        vectorDims = dims;
    }

    @Override
    public Change begin() throws IOException {
        if (writer == null) {
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity).setCommitOnClose(false)
                    .setRAMBufferSizeMB(64);
            writer = new IndexWriter(dir, config);
        }
        return new LuceneChange();
    }

    private final class LuceneChange implements Change {
        private boolean open = true;

        @Override
        public void put(String documentKey, List<Passage> passages, List<float[]> vectors) throws IOException {
            List<Document> docs = new ArrayList<>(passages.size());
            for (int i = 0; i < passages.size(); i++) {
                docs.add(toDocument(documentKey, passages.get(i), vectors == null ? null : vectors.get(i)));
            }
            writer.updateDocuments(new Term(DOC, documentKey), docs);
        }

        @Override
        public void deletePubmed(String pmid) throws IOException {
            writer.deleteDocuments(new Term(PMID, pmid));
        }

        @Override
        public void removeSource(String source) throws IOException {
            writer.deleteDocuments(new Term(SOURCE, source));
        }

        @Override
        public void commit() throws IOException {
            writer.setLiveCommitData(Map.of(META_ANALYZER, BiomedicalAnalyzer.VERSION, META_MODEL, embeddingModel,
                    META_DIMS, Integer.toString(vectorDims)).entrySet());
            writer.commit();
            open = false;
        }

        @Override
        public void rollback() throws IOException {
            open = false;
            // IndexWriter.rollback closes the writer; the next change opens a new one on the last commit.
            IndexWriter w = writer;
            writer = null;
            w.rollback();
        }

        @Override
        public void close() throws IOException {
            if (open) {
                rollback();
            }
        }
    }

    private Document toDocument(String key, Passage p, float[] vector) {
        Document d = new Document();
        d.add(new StringField(ID, p.id(), Field.Store.YES));
        d.add(new StringField(DOC, key, Field.Store.NO));
        d.add(new StringField(SOURCE, p.source(), Field.Store.YES));
        if (p.pmid() != null) {
            d.add(new StringField(PMID, p.pmid(), Field.Store.YES));
        }
        d.add(new TextField(TITLE, p.title(), Field.Store.YES));
        d.add(new TextField(TEXT, p.text(), Field.Store.YES));
        d.add(new TextField(MESH, String.join(" ; ", p.mesh()), Field.Store.NO));
        for (String m : p.mesh()) {
            d.add(new StoredField(MESH_STORED, m));
        }
        if (p.year() != null) {
            d.add(new IntField(YEAR, p.year(), Field.Store.YES));
        }
        if (!p.journal().isEmpty()) {
            d.add(new StoredField(JOURNAL, p.journal()));
        }
        if (p.page() != null) {
            d.add(new StoredField(PAGE, p.page()));
        }
        d.add(new StoredField(CHUNK, p.chunk()));
        d.add(new StoredField(CHUNKS, p.chunks()));
        d.add(new StoredField(START, p.startChar()));
        if (vector != null) {
            if (vector.length != vectorDims) {
                throw new IllegalArgumentException("a " + vector.length + "-dim vector in an index of " + vectorDims + " dims");
            }
            d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        }
        return d;
    }

    private static Passage toPassage(Document d) {
        List<String> mesh = new ArrayList<>();
        for (IndexableField f : d.getFields(MESH_STORED)) {
            mesh.add(f.stringValue());
        }
        IndexableField year = d.getField(YEAR);
        IndexableField page = d.getField(PAGE);
        return new Passage(d.get(ID), d.get(SOURCE), d.get(PMID), d.get(TITLE),
                year == null ? null : year.numericValue().intValue(), d.get(JOURNAL), mesh, d.get(TEXT),
                page == null ? null : page.numericValue().intValue(), d.getField(CHUNK).numericValue().intValue(),
                d.getField(CHUNKS).numericValue().intValue(), d.getField(START).numericValue().intValue());
    }

    private IndexSearcher searcher() throws IOException {
        if (reader == null) {
            if (!DirectoryReader.indexExists(dir)) {
                throw new IllegalArgumentException(folder + ": the index is empty; add files with `medgemma index add`");
            }
            reader = DirectoryReader.open(dir);
        } else {
            DirectoryReader newer = DirectoryReader.openIfChanged(reader);
            if (newer != null) {
                reader.close();
                reader = newer;
            }
        }
        IndexSearcher s = new IndexSearcher(reader);
        s.setSimilarity(similarity);
        return s;
    }

    /** The query's distinct terms after analysis, in order. */
    public List<String> terms(String text) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        }
        return new ArrayList<>(out);
    }

    private static Query bm25f(List<String> terms) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String t : terms) {
            CombinedFieldQuery.Builder c = new CombinedFieldQuery.Builder(t);
            for (String f : SEARCHED) {
                c.addField(f, 1f);
            }
            b.add(c.build(), BooleanClause.Occur.SHOULD);
        }
        return b.build();
    }

    @Override
    public List<Hit> lexical(String query, int k) throws IOException {
        List<String> terms = terms(query);
        if (terms.isEmpty()) {
            return List.of();
        }
        IndexSearcher s = searcher();
        TopDocs top = s.search(bm25f(terms), k);
        Map<String, Double> idf = idf(s, terms);
        List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
        StoredFields stored = s.storedFields();
        for (ScoreDoc sd : top.scoreDocs) {
            hits.add(new Hit(toPassage(stored.document(sd.doc)), sd.score, 0, 0).withMatch(match(s, sd.doc, idf)));
        }
        return hits;
    }

    @Override
    public List<Hit> nearest(float[] vector, int k) throws IOException {
        if (vectorDims == 0) {
            throw new IllegalArgumentException(folder + ": this index has no vectors (built without an embedding model)");
        }
        IndexSearcher s = searcher();
        TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, vector, k), k);
        List<Hit> hits = new ArrayList<>();
        StoredFields stored = s.storedFields();
        for (ScoreDoc sd : top.scoreDocs) {
            // Lucene scores cosine as (1 + cos) / 2.
            hits.add(new Hit(toPassage(stored.document(sd.doc)), 2.0 * sd.score - 1.0, Double.NaN, Double.NaN));
        }
        return hits;
    }

    @Override
    public Map<String, Hit.Match> match(String query, List<String> passageIds) throws IOException {
        IndexSearcher s = searcher();
        Map<String, Double> idf = idf(s, terms(query));
        Map<String, Hit.Match> out = new HashMap<>();
        for (String id : passageIds) {
            TopDocs one = s.search(new TermQuery(new Term(ID, id)), 1);
            if (one.scoreDocs.length > 0) {
                out.put(id, match(s, one.scoreDocs[0].doc, idf));
            }
        }
        return out;
    }

    // BM25's IDF of each term, with the document frequency of the field where it is most common.
    private static Map<String, Double> idf(IndexSearcher s, List<String> terms) throws IOException {
        long n = s.getIndexReader().numDocs();
        Map<String, Double> out = new HashMap<>();
        for (String t : terms) {
            long df = 0;
            for (String f : SEARCHED) {
                df = Math.max(df, s.getIndexReader().docFreq(new Term(f, t)));
            }
            out.put(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
        }
        return out;
    }

    // The IDF-weighted share of the query's terms that occur in the document (in any searched field), and
    // their IDF in units of the rarest possible term's.
    private static Hit.Match match(IndexSearcher s, int doc, Map<String, Double> idf) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        int local = doc - leaf.docBase;
        double total = 0;
        double matched = 0;
        for (Map.Entry<String, Double> e : idf.entrySet()) {
            total += e.getValue();
            if (contains(leaf.reader(), local, e.getKey())) {
                matched += e.getValue();
            }
        }
        long n = s.getIndexReader().numDocs();
        double rarest = Math.log(1 + (n - 1 + 0.5) / 1.5);
        return total == 0 ? new Hit.Match(0, 0) : new Hit.Match(matched / total, matched / rarest);
    }

    private static boolean contains(LeafReader leaf, int doc, String term) throws IOException {
        BytesRef bytes = new BytesRef(term);
        for (String f : SEARCHED) {
            Terms terms = leaf.terms(f);
            if (terms == null) {
                continue;
            }
            TermsEnum te = terms.iterator();
            if (te.seekExact(bytes)) {
                PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
                if (pe.advance(doc) == doc) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean removeDocument(String id) throws IOException {
        long before = stats().passages();
        try (Change c = begin()) {
            String pmid = id.startsWith("pmid:") ? id.substring(5) : id.matches("\\d+") ? id : null;
            LuceneChange lc = (LuceneChange) c;
            if (pmid != null) {
                lc.deletePubmed(pmid);
            }
            writer.deleteDocuments(new Term(ID, id), new Term(DOC, id));
            c.commit();
        }
        return stats().passages() < before;
    }

    /** Removes a source's passages and returns how many there were. */
    public long removeSource(String source) throws IOException {
        long n = searcher().count(new TermQuery(new Term(SOURCE, source)));
        if (n > 0) {
            try (Change c = begin()) {
                c.removeSource(source);
                c.commit();
            }
        }
        return n;
    }

    @Override
    public IndexStats stats() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.list(folder)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
        if (!DirectoryReader.indexExists(dir)) {
            return new IndexStats(0, 0, 0, bytes, vectorDims, embeddingModel, BiomedicalAnalyzer.VERSION);
        }
        IndexSearcher s = searcher();
        return new IndexStats(s.getIndexReader().numDocs(), liveTerms(s, PMID).size(), liveTerms(s, SOURCE).size(), bytes,
                vectorDims, embeddingModel, BiomedicalAnalyzer.VERSION);
    }

    @Override
    public List<SourceSummary> sources() throws IOException {
        if (!DirectoryReader.indexExists(dir)) {
            return List.of();
        }
        IndexSearcher s = searcher();
        List<SourceSummary> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : liveTerms(s, SOURCE).entrySet()) {
            out.add(new SourceSummary(e.getKey(), e.getValue()));
        }
        return out;
    }

    // Every term of a keyword field with its count of live (not deleted) documents.
    private static Map<String, Long> liveTerms(IndexSearcher s, String field) throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(field);
            if (terms == null) {
                continue;
            }
            TermsEnum te = terms.iterator();
            var live = leaf.reader().getLiveDocs();
            PostingsEnum pe = null;
            for (BytesRef t = te.next(); t != null; t = te.next()) {
                pe = te.postings(pe, PostingsEnum.NONE);
                long n = 0;
                for (int d = pe.nextDoc(); d != PostingsEnum.NO_MORE_DOCS; d = pe.nextDoc()) {
                    if (live == null || live.get(d)) {
                        n++;
                    }
                }
                if (n > 0) {
                    out.merge(t.utf8ToString(), n, Long::sum);
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.rollback();
            writer = null;
        }
        if (reader != null) {
            reader.close();
            reader = null;
        }
        dir.close();
    }
}
