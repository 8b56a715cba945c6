package dev.keel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the model; this fails when the two drift apart. */
class ConfigReferenceTest {

    static Path repoFile(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("config"))
                    && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("docs"))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(
                "no repository root above " + Path.of("").toAbsolutePath());
    }

    @Test
    void configurationDoc_matchesTheModel() throws Exception {
        Path doc = repoFile("docs/configuration.md");
        String expected = ConfigReference.markdown();
        if (Boolean.getBoolean("keel.doc.update")) {
            Files.writeString(doc, expected);
        }
        assertThat(Files.exists(doc))
                .as(doc + " exists (regenerate with -Dkeel.doc.update=true)")
                .isTrue();
        assertThat(Files.readString(doc))
                .as("docs/configuration.md is out of date; regenerate with -Dkeel.doc.update=true")
                .isEqualTo(expected);
    }

    @Test
    void everyKey_isInTheReference() {
        String doc = ConfigReference.markdown();
        for (Setting<?> s : Settings.all()) {
            assertThat(doc).contains("`" + s.key());
        }
    }
}
