package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * keel-bom lists exactly the published keel artifacts (every reactor module that is not a pom and does
 * not set {@code keel.publish.skip}), at keel-parent's version, and manages nothing else — so importing
 * it never competes with another BOM over third-party versions.
 */
class BomTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        var out = new ArrayList<Element>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    private static Element only(Element e, String name) {
        return children(e, name).getFirst();
    }

    @Test
    void bomListsEveryPublishedModule_atTheParentsVersion_andNothingElse() throws Exception {
        Element parent = parse(ROOT.resolve("pom.xml")).getDocumentElement();
        String version = child(parent, "version");
        var published = new TreeSet<String>();
        for (Element module : children(only(parent, "modules"), "module")) {
            Path pom = ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml");
            Element project = parse(pom).getDocumentElement();
            String packaging = child(project, "packaging");
            var props = children(project, "properties");
            boolean skip = !props.isEmpty() && "true".equals(child(props.getFirst(), "keel.publish.skip"));
            boolean keelModule = !children(project, "parent").isEmpty();
            if (keelModule && !"pom".equals(packaging) && !skip) {
                published.add(child(project, "artifactId"));
            }
        }
        assertThat(published).contains("keel-core", "keel-store-jdbc", "keel-store-redis", "keel-batch");

        Element bom = parse(ROOT.resolve("bom/pom.xml")).getDocumentElement();
        assertThat(child(bom, "version"))
                .as("keel-bom's version is keel-parent's")
                .isEqualTo(version);
        assertThat(children(bom, "parent"))
                .as("keel-bom has no parent, so it manages nothing but keel")
                .isEmpty();
        var listed = new TreeSet<String>();
        for (Element d : children(only(only(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(child(d, "groupId")).isEqualTo("dev.keel");
            assertThat(child(d, "version")).isEqualTo("${project.version}");
            listed.add(child(d, "artifactId"));
        }
        assertThat(listed).isEqualTo(published);
        Element consumer = parse(ROOT.resolve("examples/consumer/pom.xml")).getDocumentElement();
        assertThat(children(consumer, "parent"))
                .as("the consumer example is a user's project")
                .isEmpty();
        assertThat(child(only(consumer, "properties"), "keel.version"))
                .as("examples/consumer builds against this keel version")
                .isEqualTo(version);
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .as("the README shows how to import the BOM")
                .contains("<artifactId>keel-bom</artifactId>");
    }
}
