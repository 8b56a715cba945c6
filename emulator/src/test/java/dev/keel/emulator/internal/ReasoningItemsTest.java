package dev.keel.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReasoningItemsTest {

    /** A reasoning model's tool-calling output: a reasoning item and the function call after it. */
    private static ArrayNode output(ObjectNode reasoning, String callId) {
        ArrayNode out = Json.array();
        out.add(reasoning);
        out.addObject().put("id", callId).put("type", "function_call").put("call_id", "call_1");
        return out;
    }

    private static ArrayNode input(Object... items) {
        ArrayNode in = Json.array();
        for (Object item : items) {
            in.add((ObjectNode) item);
        }
        return in;
    }

    private static ObjectNode call(String id) {
        return Json.object().put("id", id).put("type", "function_call");
    }

    @Test
    void check_sealedItem_verifiesOnlyForItsOwnId() {
        var items = new ReasoningItems(10);
        ObjectNode sealed = items.newItem(true);
        items.remember(output(sealed, "fc_1"), false);

        assertThatCode(() -> items.check(input(sealed, call("fc_1")), Set.of())).doesNotThrowAnyException();
        ObjectNode stolen = sealed.deepCopy().put("id", "rs_other");
        assertThatThrownBy(() -> items.check(input(stolen), Set.of()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_encrypted_content"));
        assertThat(new ReasoningItems(10).seal(sealed.get("id").asText()))
                .as("another emulator's key seals differently")
                .isNotEqualTo(sealed.get("encrypted_content").asText());
    }

    @Test
    void check_contextFromPreviousResponse_countsAsTheReasoningItem() {
        var items = new ReasoningItems(10);
        ObjectNode reasoning = items.newItem(false);
        items.remember(output(reasoning, "fc_1"), true);

        assertThatCode(() -> items.check(
                        input(call("fc_1")), Set.of(reasoning.get("id").asText())))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> items.check(input(call("fc_1")), Set.of()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void check_pastTheBound_forgetsTheOldestItems() {
        var items = new ReasoningItems(2);
        items.remember(output(items.newItem(false), "fc_old"), true);
        items.remember(output(items.newItem(false), "fc_a"), true);
        items.remember(output(items.newItem(false), "fc_b"), true);

        assertThatCode(() -> items.check(input(call("fc_old")), Set.of()))
                .as("a call whose reasoning item was forgotten is no longer checked")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> items.check(input(call("fc_b")), Set.of())).isInstanceOf(ApiException.class);
    }
}
