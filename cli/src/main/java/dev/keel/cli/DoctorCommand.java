package dev.keel.cli;

import dev.keel.core.TimeoutChain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel doctor}: checks for configurations that fail in production. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Check a setup for known production failures.",
        subcommands = {DoctorCommand.Timeouts.class})
final class DoctorCommand extends CliCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    /** {@code keel doctor timeouts}: each layer must allow more time than the one inside it. */
    @Command(
            name = "timeouts",
            mixinStandardHelpOptions = true,
            description = {
                "Check a timeout chain from the outermost layer inwards.",
                "Each layer must be longer than the one inside it, or it gives up while the inner layer "
                        + "still works (fake timeouts). Exit code 0 when the chain is sound, 1 when a layer is too "
                        + "short.",
                "Example: keel doctor timeouts --gateway 20s --service 25s --client 30s",
                "Without layers it checks the configured chain: timeouts.caller (when set) >"
                        + " timeouts.business > timeouts.per-call."
            })
    static final class Timeouts extends CliCommand implements Callable<Integer> {

        @Option(names = "--gateway", paramLabel = "DURATION", description = "The gateway or load balancer in front.")
        java.time.Duration gateway;

        @Option(names = "--service", paramLabel = "DURATION", description = "Your service's request timeout.")
        java.time.Duration service;

        @Option(names = "--client", paramLabel = "DURATION", description = "The OpenAI client's business budget.")
        java.time.Duration client;

        @Option(
                names = "--layer",
                paramLabel = "NAME=DURATION",
                description = "Another layer, in order after the named ones (repeatable).")
        List<String> layers = new ArrayList<>();

        @picocli.CommandLine.Mixin
        FormatOption format;

        @picocli.CommandLine.Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            List<TimeoutChain.Layer> chain = chain();
            if (chain.size() < 2) {
                throw new IllegalArgumentException(
                        "give at least two layers, e.g. --gateway 40s --service 32s --client 30s");
            }
            var out = out();
            var findings = TimeoutChain.check(chain);
            if (format.json()) {
                CliJson.print(out, DoctorJson.timeouts(chain, findings));
                return findings.isEmpty() ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
            }
            findings.forEach(f -> out.println("FAIL " + f.message()));
            if (findings.isEmpty()) {
                out.println("OK "
                        + String.join(
                                " > ",
                                chain.stream()
                                        .map(l -> l.name() + " " + TimeoutChain.human(l.timeout()))
                                        .toList()));
            }
            out.flush();
            return findings.isEmpty() ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
        }

        private List<TimeoutChain.Layer> chain() {
            var chain = new ArrayList<TimeoutChain.Layer>();
            add(chain, "gateway", gateway);
            add(chain, "service", service);
            add(chain, "client", client);
            if (chain.isEmpty() && layers.isEmpty()) {
                return configured(config.load(env));
            }
            for (String l : layers) {
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(
                            "--layer '" + l + "' must look like NAME=DURATION, e.g. worker=20s");
                }
                add(chain, l.substring(0, eq), layer(l, l.substring(eq + 1)));
            }
            return chain;
        }

        /** The chain keel.yaml, the environment and the flags configure, outermost first. */
        private static List<TimeoutChain.Layer> configured(dev.keel.config.KeelConfig cfg) {
            var chain = new ArrayList<TimeoutChain.Layer>();
            java.time.Duration caller = cfg.get(dev.keel.config.Settings.CALLER_TIMEOUT);
            if (caller != null) {
                chain.add(new TimeoutChain.Layer(dev.keel.config.Settings.CALLER_TIMEOUT.key(), caller));
            }
            for (var s :
                    List.of(dev.keel.config.Settings.BUSINESS_TIMEOUT, dev.keel.config.Settings.PER_CALL_TIMEOUT)) {
                chain.add(new TimeoutChain.Layer(s.key(), cfg.get(s)));
            }
            return chain;
        }

        private static void add(List<TimeoutChain.Layer> chain, String name, java.time.Duration value) {
            if (value != null) {
                chain.add(new TimeoutChain.Layer(name, value));
            }
        }

        /** The duration of {@code --layer NAME=DURATION}. @throws IllegalArgumentException naming the option */
        private static java.time.Duration layer(String given, String duration) {
            try {
                return OptionChecks.Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--layer '" + given + "': " + e.getMessage());
            }
        }
    }
}
