package dev.keel.cli;

import dev.keel.batch.plan.RequestReuse;
import dev.keel.core.KeelClientConfig;
import java.net.URI;
import java.util.Locale;

/**
 * Which upstream a batch command's requests go to, as the identity part of a request's hash
 * ({@link RequestReuse}): {@code sandbox} for the embedded emulator, else the base URL with the
 * organisation and project. Never the key: the identity is stored (as part of a hash) and must not
 * carry a secret. Computed from the same environment and flags as {@link UpstreamOptions#resolve},
 * without starting anything, so planning can use it before the upstream is connected.
 */
final class UpstreamIdentity {

    private UpstreamIdentity() {}

    /** The reuse settings for a plan against the upstream {@code options} and {@code env} select. */
    static RequestReuse reuse(dev.keel.config.KeelConfig cfg, boolean noReuse) {
        return new RequestReuse(of(cfg), !noReuse);
    }

    static String of(dev.keel.config.KeelConfig cfg) {
        String key = cfg.apiKey(dev.keel.core.TrafficClass.BATCH);
        URI base = cfg.get(dev.keel.config.Settings.BASE_URL);
        if (key == null && base == null) {
            return "sandbox";
        }
        URI target = base != null ? base : KeelClientConfig.OPENAI;
        String url = target.toString().toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        return url + " org=" + orEmpty(cfg.get(dev.keel.config.Settings.ORGANIZATION)) + " project="
                + orEmpty(cfg.get(dev.keel.config.Settings.PROJECT));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s.strip();
    }
}
