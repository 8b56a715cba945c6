import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.structured.StructuredClient;
import dev.keel.structured.StructuredRequest;
import dev.keel.structured.decode.BusinessRules;
import dev.keel.structured.decode.DecodeListener;
import dev.keel.structured.decode.DecodeMetrics;
import dev.keel.structured.decode.Decoded;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.rollout.RolloutConfigLoader;
import dev.keel.structured.rollout.RolloutListener;
import dev.keel.structured.schema.SchemaDiff;
import dev.keel.structured.schema.SchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The ticket example of the structured-outputs recipe: TicketV1 and TicketV2, the v1 -> v2 diff, and
 * a canary of v2 decoded strict -> compat -> summary. Run it with ./run.sh (see README.md).
 *
 * <p>Arguments: [--dir EXAMPLE_DIR] [--calls N] [--sandbox]. With no OPENAI_API_KEY (or with
 * --sandbox) it starts the keel emulator in-process with 10 % bad samples injected.
 */
public class TicketExample {

    enum TicketType { BILLING, TECHNICAL, ACCOUNT, OTHER, UNKNOWN }

    enum Priority { LOW, MEDIUM, HIGH, URGENT, UNKNOWN }

    /** Version 1: never edited once registered. */
    record TicketV1(String schemaVersion, TicketType ticketType, String summary) {}

    /** Version 2, the current type: adds priority and actions. */
    record TicketV2(String schemaVersion, TicketType ticketType, Priority priority, String summary, List<String> actions) {
        static TicketV2 upcast(TicketV1 v1) {
            return new TicketV2("v2", v1.ticketType(), Priority.MEDIUM, v1.summary(), List.of());
        }

        TicketV2 withPriority(Priority p) {
            return new TicketV2(schemaVersion, ticketType, p, summary, actions);
        }
    }

    public static void main(String[] args) {
        Path dir = Path.of(arg(args, "--dir", "examples/structured-tickets"));
        int calls = Integer.parseInt(arg(args, "--calls", "100"));
        boolean sandbox = List.of(args).contains("--sandbox") || System.getenv("OPENAI_API_KEY") == null;

        SchemaRegistry registry = SchemaRegistry.load(dir.resolve("schemas"));
        System.out.println("schema diff ticket v1 -> v2:");
        SchemaDiff.diff(registry.get("ticket", "v1").schema(), registry.get("ticket", "v2").schema())
                .forEach(c -> System.out.println("  " + c));

        Emulator emulator = sandbox ? Emulator.start(EmulatorConfig.builder().faults(badSamples()).build()) : null;
        KeelClientConfig config = sandbox
                ? KeelClientConfig.builder("sk-local-example", emulator.baseUrl()).build()
                : KeelClientConfig.fromEnvironment(System.getenv()).build();
        var metrics = new SimpleMeterRegistry();
        try (KeelClient keel = KeelClient.builder(config).meterRegistry(metrics).build()) {
            Rollout rollout = Rollout.start("ticket", registry,
                    new RolloutConfigLoader(System.getenv(), dir.resolve("keel.yaml")), InstantSource.system(), metrics,
                    RolloutListener.NONE);
            var decoder = dev.keel.structured.decode.StructuredDecoder.builder(registry, "ticket", TicketV2.class)
                    .version("v1", TicketV1.class, TicketV2::upcast)
                    .version("v2", TicketV2.class, Function.identity())
                    .defaultValue("priority", "medium")
                    .businessRules(BusinessRules.<TicketV2>builder()
                            .require("summary", t -> t.summary() == null || t.summary().isBlank())
                            .defaultIfMissing("priority", t -> t.priority() == Priority.UNKNOWN,
                                    t -> t.withPriority(Priority.MEDIUM))
                            .build())
                    .listener(new DecodeMetrics(metrics))
                    .build();
            var tickets = StructuredClient.builder(keel, registry, rollout, decoder).build();
            Map<String, Integer> tally = new TreeMap<>();
            for (int i = 0; i < calls; i++) {
                var r = tickets.call(StructuredRequest.of("customer-" + i,
                                "I was charged twice for order " + (1000 + i) + " after the app retried the payment.")
                        .withPromptVersion("triage-1"), CallOptions.defaults());
                tally.merge(r.assignment().arm().token() + " " + r.assignment().version() + " "
                        + r.decoded().mode().token(), 1, Integer::sum);
                if (i < 3) {
                    System.out.println(describe(r.decoded()));
                }
            }
            System.out.println("calls by arm, version and decode mode:");
            tally.forEach((k, v) -> System.out.println("  " + k + ": " + v));
            System.out.println("structured_output: " + rollout.describe());
        } finally {
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    private static String describe(Decoded<TicketV2> d) {
        return switch (d) {
            case Decoded.Strict<TicketV2> s -> "strict  " + s.value();
            case Decoded.Compat<TicketV2> c -> "compat  " + c.value() + " reasons=" + c.reasons();
            case Decoded.Summary<TicketV2> s -> "summary " + s.reason() + ": " + s.rawText();
        };
    }

    /** About 10 % bad samples of every kind, seeded so every run shows the same thing. */
    private static FaultPlan badSamples() {
        return new FaultPlan(7, List.of(
                rule(FaultEffect.SampleDefect.MISSING_FIELD, 0.03),
                rule(FaultEffect.SampleDefect.UNKNOWN_ENUM, 0.03),
                rule(FaultEffect.SampleDefect.INVALID_JSON, 0.02),
                rule(FaultEffect.SampleDefect.REFUSAL, 0.02)));
    }

    private static FaultRule rule(FaultEffect.SampleDefect d, double p) {
        return FaultRule.withProbability("POST /v1/responses", p, new FaultEffect.BadSample(d));
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
