package org.medgemma4j.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.medgemma4j.generate.GenerationResult;

/** The server's counters and gauges, written in Prometheus' text format for /metrics. */
final class Metrics {

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final Map<String, ModelGauges> models = new ConcurrentSkipListMap<>();

    /** One loaded model's gauges, written by its scheduler's thread. */
    static final class ModelGauges {
        private volatile int activeSlots;
        private volatile int queueDepth;
        private volatile double decodeRate;

        void load(int active, int queued) {
            activeSlots = active;
            queueDepth = queued;
        }

        /** Tokens per second decoded over all slots in the latest forward pass. */
        void decodeRate(double tokensPerSecond) {
            decodeRate = tokensPerSecond;
        }
    }

    /** Counts a finished HTTP request by route and status. */
    void request(String route, int status) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new LongAdder()).increment();
    }

    void rejectedBusy() {
        rejected.increment();
    }

    /** Counts a finished generation's tokens: the prompt's uncached part and the answer. */
    void generated(GenerationResult result) {
        promptTokens.add(result.promptTokens() - result.reusedTokens());
        generatedTokens.add(result.tokens().length);
    }

    /** New gauges for a model being loaded under {@code name} (replacing those of an earlier load of it). */
    ModelGauges gauges(String name) {
        ModelGauges g = new ModelGauges();
        models.put(name, g);
        return g;
    }

    /**
     * Drops an unloaded model's gauges, so that /metrics shows only loaded models; a later load of the same name
     * that already has its own gauges keeps them.
     */
    void forget(String name, ModelGauges gauges) {
        models.remove(name, gauges);
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        header(sb, "medgemma_requests_total", "counter", "HTTP requests by route and status");
        new TreeMap<>(requests).forEach((key, count) -> {
            int split = key.indexOf('\u0000');
            sb.append("medgemma_requests_total{route=\"").append(key, 0, split).append("\",status=\"")
                    .append(key.substring(split + 1)).append("\"} ").append(count.sum()).append('\n');
        });
        metric(sb, "medgemma_requests_rejected_busy_total", "counter", "requests refused with 503 because the queue was full", rejected.sum());
        metric(sb, "medgemma_prompt_tokens_total", "counter", "prompt tokens evaluated (cached prefixes excluded)", promptTokens.sum());
        metric(sb, "medgemma_generated_tokens_total", "counter", "tokens generated", generatedTokens.sum());
        // the totals over every loaded model, then each model's own, labelled by the name clients use for it
        metric(sb, "medgemma_active_slots", "gauge", "slots generating now, all models",
                models.values().stream().mapToInt(g -> g.activeSlots).sum());
        metric(sb, "medgemma_queue_depth", "gauge", "requests waiting for a slot, all models",
                models.values().stream().mapToInt(g -> g.queueDepth).sum());
        metric(sb, "medgemma_decode_tokens_per_second", "gauge",
                "tokens per second over all slots in each model's latest forward pass, summed over models",
                models.values().stream().mapToDouble(g -> g.decodeRate).sum());
        perModel(sb, "medgemma_model_active_slots", "slots generating now, per loaded model", g -> g.activeSlots);
        perModel(sb, "medgemma_model_queue_depth", "requests waiting for a slot, per loaded model", g -> g.queueDepth);
        perModel(sb, "medgemma_model_decode_tokens_per_second", "tokens per second over all slots in the model's latest "
                + "forward pass, per loaded model", g -> g.decodeRate);
        return sb.toString();
    }

    private void perModel(StringBuilder sb, String name, String help, java.util.function.Function<ModelGauges, Number> value) {
        header(sb, name, "gauge", help);
        models.forEach((model, g) -> sb.append(name).append("{model=\"").append(labelValue(model)).append("\"} ")
                .append(value.apply(g)).append('\n'));
    }

    /** A label value in Prometheus' text format: backslash, double quote and line feed escaped. */
    static String labelValue(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void metric(StringBuilder sb, String name, String type, String help, Number value) {
        header(sb, name, type, help);
        sb.append(name).append(' ').append(value).append('\n');
    }
}
