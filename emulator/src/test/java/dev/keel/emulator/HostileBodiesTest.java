package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile bodies thrown at every JSON route get a 4xx with an OpenAI error body, never a 5xx: the
 * emulator's own code must not fail on what a client can send.
 */
class HostileBodiesTest {

    private static final List<String> ROUTES =
            List.of("/responses", "/chat/completions", "/embeddings", "/batches", "/realtime/client_secrets");

    /** Bodies hostile to any route. */
    private static final List<String> ANY = List.of(
            "",
            "null",
            "42",
            "\"text\"",
            "[]",
            "[{}]",
            "{",
            "{}",
            "{\"model\":null}",
            "{\"model\":[]}",
            "{\"model\":{}}",
            "{\"model\":\"gpt-4.1-mini\",\"input\":{}}",
            "{\"\":1}",
            "{\"model\":\"\\u0000\"}",
            "{\"model\":\"gpt-4.1-mini\",\"metadata\":[1]}",
            "{\"session\":[]}",
            "{\"session\":{\"model\":7}}",
            "{\"input_file_id\":null,\"endpoint\":\"/v1/nope\",\"completion_window\":\"24h\"}",
            "{\"model\":\"gpt-4.1-mini\",\"input\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}");

    /** Bodies hostile to one route. */
    private static final List<String[]> SPECIFIC = List.of(
            new String[] {
                "/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"max_output_tokens\":1000000000000}"
            },
            new String[] {"/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"max_output_tokens\":1e300}"},
            new String[] {
                "/responses",
                "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"max_output_tokens\":-99999999999999999999999}"
            },
            new String[] {"/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":[{\"type\":\"function_call_output\"}]}"},
            new String[] {"/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":[null,1,\"x\"]}"},
            new String[] {"/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"tools\":[null]}"},
            new String[] {"/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"tools\":{}}"},
            new String[] {
                "/responses",
                "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\",\"schema\":[]}}}"
            },
            new String[] {
                "/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"tool_choice\":{\"type\":\"function\"}}"
            },
            new String[] {
                "/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1000000000000}"
            },
            new String[] {"/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{}]}"},
            new String[] {"/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[null]}"},
            new String[] {"/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":\"hi\"}"},
            new String[] {
                "/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":1000000}"
            },
            new String[] {
                "/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":2000000000}"
            },
            new String[] {"/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":0}"},
            new String[] {"/embeddings", "{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":8}"},
            new String[] {"/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[[]]}"},
            new String[] {"/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[]}"},
            new String[] {"/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[null]}"},
            new String[] {
                "/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"" + "word ".repeat(9000) + "\"}"
            },
            new String[] {
                "/batches",
                "{\"input_file_id\":\"file-missing\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}"
            },
            new String[] {
                "/batches",
                "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\",\"metadata\":{\"k\":1}}"
            });

    private static Emulator emulator;
    private static EmulatorHttp http;

    @BeforeAll
    static void start() {
        emulator = Emulator.start();
        http = new EmulatorHttp(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void everyRoute_hostileBodies_answer4xxWithAnErrorBody() {
        var failures = new ArrayList<String>();
        for (String route : ROUTES) {
            for (String body : ANY) {
                if (route.startsWith("/realtime") && (body.isEmpty() || body.equals("{}"))) {
                    continue; // the session is optional: an empty request is a valid one there
                }
                check(route, body, failures);
            }
        }
        for (String[] c : SPECIFIC) {
            check(c[0], c[1], failures);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void strictSchemaWithHugeMinItems_answersWithoutExhaustingMemory() {
        String body = "{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\","
                + "\"name\":\"big\",\"strict\":true,\"schema\":{\"type\":\"object\",\"additionalProperties\":false,"
                + "\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"array\",\"minItems\":2000000000,"
                + "\"items\":{\"type\":\"string\",\"minLength\":2000000000}}}}}}}";
        var reply = http.post("/responses", body);
        assertThat(reply.status()).as(reply.body()).isLessThan(500);
    }

    private static void check(String route, String body, List<String> failures) {
        var reply = http.post(route, body);
        String shown = body.length() > 120 ? body.substring(0, 120) + "…" : body;
        if (reply.status() < 400 || reply.status() >= 500) {
            failures.add(route + " " + shown + " -> " + reply.status() + " " + reply.body());
            return;
        }
        try {
            JsonNode error = Json.parse(reply.body()).get("error");
            if (error == null
                    || !error.path("message").isTextual()
                    || !error.has("type")
                    || !error.has("param")
                    || !error.has("code")) {
                failures.add(route + " " + shown + " -> no OpenAI error body: " + reply.body());
            }
        } catch (RuntimeException e) {
            failures.add(route + " " + shown + " -> unparsable body: " + reply.body());
        }
    }
}
