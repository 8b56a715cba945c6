package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelResponse;
import dev.keel.wire.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel call}: one Responses call through the full pipeline; prints the text, then attempts and timings. */
@Command(
        name = "call",
        mixinStandardHelpOptions = true,
        description = {
            "Send one Responses call through keel's full pipeline (budgets, in-flight limit, pooled connections).",
            "Any OpenAI-compatible --base-url works: https negotiates h2; plain http speaks HTTP/1.1, or HTTP/2 with --h2c.",
            "Prints the output text, then one line: attempts, status, protocol, request id and phase timings.",
            "With no OPENAI_API_KEY and no --base-url it runs against the embedded emulator and says so."
        })
final class CallCommand extends CliCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    UpstreamOptions upstream;

    @Mixin
    PricesOption prices;

    @Mixin
    FormatOption format;

    @Mixin
    TracingOptions tracing;

    @Mixin
    LogOptions logs;

    private static final String DEFAULT_MODEL = "gpt-4.1-mini";

    @Option(names = "--model", description = "Model (default: ${DEFAULT-VALUE}).")
    String model = DEFAULT_MODEL;

    @Option(names = "--instructions", description = "System instructions.")
    String instructions;

    @Option(names = "--max-output-tokens", description = "Cap on output tokens (>= 16).")
    Integer maxOutputTokens;

    @Option(
            names = "--service-tier",
            paramLabel = "TIER",
            description = "service_tier to ask for: auto, default, flex, scale, priority, fast or ultrafast (default:"
                    + " none, the project's setting). The answer says the tier served; the cost is priced at it.")
    String serviceTier;

    @Option(
            names = "--prompt-cache-key",
            paramLabel = "KEY",
            description = "prompt_cache_key: calls sharing a key and a prefix of 1,024+ tokens may read it from the"
                    + " prompt cache (billed at the cached-input rate).")
    String promptCacheKey;

    @Parameters(paramLabel = "PROMPT", description = "What to ask.")
    String prompt;

    @Override
    public Integer call() {
        var out = out();
        logs.apply(env);
        var cfg = config.load(env);
        var priceTable = prices.table(cfg);
        try (var up = upstream.resolve(cfg, dev.keel.core.TrafficClass.ONLINE, env, err());
                var traces = TracingOptions.open(cfg, "keel");
                var client = TracingOptions.installed(
                                traces, KeelClient.builder(up.config()).priceTable(priceTable), up.config())
                        .build()) {
            KeelResponse response;
            try {
                response = client.responses().create(request(), CallOptions.defaults());
            } catch (dev.keel.core.error.KeelException e) {
                if ("model_not_found".equals(e.errorCode())) {
                    throw new IllegalArgumentException(
                            e.getMessage() + "; choose a model the upstream serves with" + " --model (default "
                                    + DEFAULT_MODEL + ")",
                            e);
                }
                throw e;
            }
            if (format.json()) {
                CliJson.print(out, CallJson.of(model, outputText(response.json()), response, priceTable));
                return ExitCodes.OK;
            }
            out.println(outputText(response.json()));
            out.println(response.summary());
            out.println(costLine(response.json(), priceTable));
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** {@code cost …}: the split by tier and token kind, or why there is no price. */
    private String costLine(JsonNode body, dev.keel.core.cost.PriceTable prices) {
        String served = body.path("service_tier").asText(null);
        String answered = body.path("model").asText(model);
        var usage = dev.keel.core.cost.TokenUsage.fromJson(body.get("usage"));
        var split = CallJson.split(prices, answered, served, usage, CallJson.reasoningTokens(body.get("usage")));
        if (split == null) {
            return "cost      unknown: no price for " + answered + " at service_tier " + served
                    + " in the price table (as of " + prices.asOf() + "); add it with --prices FILE";
        }
        return "cost      " + String.join("\n          ", split.textLines());
    }

    private static final java.util.Set<String> TIERS =
            java.util.Set.of("auto", "default", "flex", "scale", "priority", "fast", "ultrafast");

    private JsonNode request() {
        if (serviceTier != null && !TIERS.contains(serviceTier)) {
            throw new IllegalArgumentException("--service-tier '" + serviceTier
                    + "' is not a service tier; use one of auto, default, flex, scale, priority, fast, ultrafast");
        }
        ObjectNode body = Json.object().put("model", model).put("input", prompt);
        if (serviceTier != null) {
            body.put("service_tier", serviceTier);
        }
        if (promptCacheKey != null) {
            body.put("prompt_cache_key", promptCacheKey);
        }
        if (instructions != null) {
            body.put("instructions", instructions);
        }
        if (maxOutputTokens != null) {
            body.put("max_output_tokens", maxOutputTokens);
        }
        return body;
    }

    /** The text of every output message, refusals marked, incomplete answers flagged. */
    static String outputText(JsonNode response) {
        var b = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            for (JsonNode part : item.path("content")) {
                switch (part.path("type").asText()) {
                    case "output_text" -> b.append(part.path("text").asText());
                    case "refusal" ->
                        b.append("[refusal] ").append(part.path("refusal").asText());
                    default -> {}
                }
            }
            if (item.path("type").asText().equals("function_call")) {
                b.append("[function_call] ")
                        .append(item.path("name").asText())
                        .append(item.path("arguments").asText());
            }
        }
        if ("incomplete".equals(response.path("status").asText())) {
            b.append(" [incomplete: ")
                    .append(response.at("/incomplete_details/reason").asText())
                    .append(']');
        }
        return b.toString();
    }
}
