package dev.keel.cli;

import dev.keel.gateway.GatewayKeys;
import dev.keel.wire.json.Json;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel gateway key}: a new gateway secret and its keys-file entry (the hash, never the secret). */
@Command(
        name = "key",
        mixinStandardHelpOptions = true,
        description = {
            "Make a new gateway key and print its secret and keys-file entry.",
            "The secret is shown once (give it to the client); the entry holds only its",
            "SHA-256 (add it to the \"keys\" array of the keys file)."
        })
final class GatewayKeyCommand extends CliCommand implements Callable<Integer> {

    @Option(names = "--id", required = true, description = "The key's public name, shown in logs and metrics.")
    String id;

    @Option(names = "--team", description = "The team it belongs to (a metric label).")
    String team = "";

    @Option(names = "--user", description = "The user or service it belongs to.")
    String user = "";

    @Override
    public Integer call() {
        String secret = GatewayKeys.newSecret(new SecureRandom());
        var entry = Json.object()
                .put("id", id)
                .put("sha256", GatewayKeys.sha256(secret))
                .put("team", team)
                .put("user", user);
        var out = out();
        out.println("secret: " + secret);
        out.println("entry:  " + Json.write(entry));
        out.println("Give the secret to the client once; add the entry to the \"keys\" array of the keys file.");
        out.flush();
        return ExitCodes.OK;
    }
}
