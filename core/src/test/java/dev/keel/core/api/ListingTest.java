package dev.keel.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed list parameters and page-following lists of files and batches, against the emulator. */
class ListingTest {

    private static final CallOptions OPTS = CallOptions.defaults();

    private Emulator emulator;
    private KeelClient client;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        client = KeelClient.builder(KeelClientConfig.builder("sk-test-listing-0123456789", emulator.baseUrl())
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    private String upload(String name, String purpose) {
        byte[] line = ("{\"custom_id\":\"" + name + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                        + "{\"model\":\"gpt-4.1-mini\",\"input\":\"hi\"}}\n")
                .getBytes(StandardCharsets.UTF_8);
        return client.files()
                .upload(name, line, purpose, OPTS)
                .json()
                .path("id")
                .asText();
    }

    private List<String> uploads(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(upload("f" + i + ".jsonl", "batch"));
        }
        return ids;
    }

    private List<String> queries(String path) {
        return emulator.requests("GET", path).stream()
                .map(RecordedRequest::query)
                .toList();
    }

    private static List<String> ids(Iterable<JsonNode> items) {
        return StreamSupport.stream(items.spliterator(), false)
                .map(j -> j.path("id").asText())
                .toList();
    }

    @Test
    void filesList_typedParams_sendThatQueryAndTheServerFiltersByPurpose() {
        List<String> batchFiles = uploads(2);
        upload("notes.jsonl", "user_data");
        JsonNode page = client.files()
                .list(FileListParams.all().withPurpose("batch").withLimit(10).withOrder(FileListParams.Order.ASC), OPTS)
                .json();
        assertThat(queries("/v1/files")).containsExactly("purpose=batch&limit=10&order=asc");
        assertThat(ids(page.get("data"))).isEqualTo(batchFiles);
        assertThat(page.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void filesListAll_smallPages_followsHasMoreToTheLastFileNewestFirst() {
        List<String> uploaded = uploads(5);
        List<String> listed = ids(client.files().listAll(FileListParams.all().withLimit(2), OPTS));
        assertThat(listed).isEqualTo(uploaded.reversed());
        assertThat(queries("/v1/files"))
                .containsExactly("limit=2", "limit=2&after=" + uploaded.get(3), "limit=2&after=" + uploaded.get(1));
    }

    @Test
    void filesListAll_stoppedEarly_asksForNoFurtherPage() {
        uploads(5);
        for (JsonNode f : client.files().listAll(FileListParams.all().withLimit(2), OPTS)) {
            if (f.path("filename").asText().equals("f4.jsonl")) {
                break;
            }
        }
        assertThat(queries("/v1/files")).hasSize(1);
    }

    @Test
    void filesListAll_moreThanMaxPages_failsNamingTheListingAndTheBound() {
        uploads(4);
        var files =
                client.files().listAll(FileListParams.all().withPurpose("batch").withLimit(1), OPTS, 3);
        assertThatThrownBy(() -> ids(files))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("GET /files?purpose=batch&limit=1: the list still has more after 3 pages")
                .hasMessageContaining("maxPages");
        assertThat(queries("/v1/files")).hasSize(3);
    }

    @Test
    void batchesListAll_smallPages_returnsEveryBatchNewestFirst() {
        String file = upload("in.jsonl", "batch");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(client.batches()
                    .create(
                            Json.parse("{\"input_file_id\":\"" + file
                                    + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}"),
                            OPTS)
                    .json()
                    .path("id")
                    .asText());
        }
        assertThat(ids(client.batches().listAll(BatchListParams.all().withLimit(1), OPTS)))
                .isEqualTo(created.reversed());
        assertThat(queries("/v1/batches")).hasSize(3).first().isEqualTo("limit=1");
    }
}
