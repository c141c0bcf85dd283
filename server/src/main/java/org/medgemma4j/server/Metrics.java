package org.medgemma4j.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.medgemma4j.generate.GenerationResult;

/** The server's counters and gauges, written in Prometheus' text format for /metrics. */
final class Metrics {

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private volatile int activeSlots;
    private volatile int queueDepth;
    private volatile double decodeRate;

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

    void load(int active, int queued) {
        activeSlots = active;
        queueDepth = queued;
    }

    /** Tokens per second decoded over all slots in the latest forward pass. */
    void decodeRate(double tokensPerSecond) {
        decodeRate = tokensPerSecond;
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
        metric(sb, "medgemma_active_slots", "gauge", "slots generating now", activeSlots);
        metric(sb, "medgemma_queue_depth", "gauge", "requests waiting for a slot", queueDepth);
        metric(sb, "medgemma_decode_tokens_per_second", "gauge", "tokens per second over all slots in the latest forward pass", decodeRate);
        return sb.toString();
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
