package dev.keel.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.keel.wire.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Generated instances validate against their schema (checked by networknt) for many seeds. */
class SchemaInstancesTest {

    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    static Stream<String> schemas() {
        return Stream.of(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"array\","
                        + "\"items\":{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"integer\"}},\"required\":[\"c\"]}}},"
                        + "\"required\":[\"b\"]}},\"required\":[\"a\"],\"additionalProperties\":false}",
                "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]},"
                        + "\"n\":{\"type\":[\"string\",\"null\"]},\"k\":{\"const\":\"fixed\"}},\"required\":[\"e\",\"n\",\"k\"]}",
                "{\"type\":\"object\",\"properties\":{\"v\":{\"anyOf\":[{\"type\":\"number\",\"minimum\":1,\"maximum\":2},"
                        + "{\"type\":\"string\",\"format\":\"email\"},{\"type\":\"null\"}]}},\"required\":[\"v\"]}",
                "{\"type\":\"object\",\"$defs\":{\"item\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\","
                        + "\"format\":\"uuid\"},\"when\":{\"type\":\"string\",\"format\":\"date-time\"}},\"required\":[\"id\",\"when\"]}},"
                        + "\"properties\":{\"items\":{\"type\":\"array\",\"minItems\":2,\"maxItems\":3,\"items\":{\"$ref\":\"#/$defs/item\"}}},"
                        + "\"required\":[\"items\"]}",
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"children\":{\"type\":\"array\","
                        + "\"items\":{\"$ref\":\"#\"}}},\"required\":[\"name\",\"children\"],\"additionalProperties\":false}",
                "{\"type\":\"object\",\"properties\":{\"i\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":20,\"multipleOf\":5},"
                        + "\"x\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1},"
                        + "\"s\":{\"type\":\"string\",\"minLength\":30,\"maxLength\":40},\"b\":{\"type\":\"boolean\"}},"
                        + "\"required\":[\"i\",\"x\",\"s\",\"b\"]}");
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void generate_manySeeds_alwaysValidates(String schemaText) {
        JsonNode schema = Json.parse(schemaText);
        var validator = REGISTRY.getSchema(schema);
        for (long seed = 0; seed < 200; seed++) {
            JsonNode instance = SchemaInstances.generate(schema, seed);
            assertThat(validator.validate(instance))
                    .as("seed %d: %s", seed, instance)
                    .isEmpty();
        }
    }

    @Test
    void generate_sameSeed_sameInstance_propertiesInSchemaOrder() {
        JsonNode schema = Json.parse(schemas().findFirst().orElseThrow());
        assertThat(SchemaInstances.generate(schema, 9)).isEqualTo(SchemaInstances.generate(schema, 9));
        JsonNode ordered = SchemaInstances.generate(
                Json.parse(
                        "{\"type\":\"object\",\"properties\":{\"z\":{\"type\":\"string\"},\"a\":{\"type\":\"string\"}}}"),
                1);
        assertThat(ordered.fieldNames()).toIterable().containsExactly("z", "a");
    }
}
