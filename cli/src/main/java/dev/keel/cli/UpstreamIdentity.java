package dev.keel.cli;

import dev.keel.batch.plan.RequestReuse;
import dev.keel.core.KeelClientConfig;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

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
    static RequestReuse reuse(UpstreamOptions options, Map<String, String> env, boolean noReuse) {
        return new RequestReuse(of(options, env), !noReuse);
    }

    static String of(UpstreamOptions options, Map<String, String> env) {
        String key = nonBlank(env.get("OPENAI_API_KEY"));
        String base = options.baseUrl != null ? options.baseUrl.toString() : nonBlank(env.get("OPENAI_BASE_URL"));
        if (key == null && base == null) {
            return "sandbox";
        }
        URI target = base != null
                ? UpstreamOptions.checkedUrl(options.baseUrl != null ? "--base-url" : "OPENAI_BASE_URL", base)
                : KeelClientConfig.OPENAI;
        String url = target.toString().toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        return url + " org=" + orEmpty(env.get("OPENAI_ORG_ID")) + " project=" + orEmpty(env.get("OPENAI_PROJECT_ID"));
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s.strip();
    }
}
