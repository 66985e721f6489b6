package com.shopintent.scoring.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.config.ScoringConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Dockerfile and the Jib configuration make the same image, and it is the image the
 * StatefulSet expects: a distroless glibc JRE (no shell) with libgomp1, the HTTP port, a non-root
 * uid, the default model package where the init container falls back to it. Docker is not needed:
 * the files are read, not an image built.
 */
class ContainerImageTest {

    private static List<Instruction> all;
    private static List<Instruction> runStage;
    private static Element jib;
    private static Document pom;

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    @BeforeAll
    static void read() throws Exception {
        List<Instruction> instructions = dockerfile(Manifests.root().resolve("Dockerfile"));
        all = instructions;
        int lastFrom = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                lastFrom = i;
            }
        }
        runStage = instructions.subList(lastFrom, instructions.size());
        pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Manifests.root().resolve("scoring-app/pom.xml").toFile());
        jib = pluginConfiguration("jib-maven-plugin");
    }

    static List<Instruction> dockerfile(Path file) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String stripped = line.strip();
            if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
                continue;
            }
            if (stripped.startsWith("#")) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String text = current.toString();
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(java.util.Locale.ROOT), text.substring(space + 1).strip()));
            current.setLength(0);
        }
        return instructions;
    }

    private static List<String> arguments(String keyword) {
        return runStage.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    private static List<String> jsonArray(String text) throws IOException {
        List<String> values = new ArrayList<>();
        new ObjectMapper().readTree(text).forEach(value -> values.add(value.asText()));
        return values;
    }

    /** A plugin of scoring-app's pom (in a profile or not). */
    private static Element plugin(String artifactId) {
        var plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (text(plugin, "artifactId").equals(artifactId)) {
                return plugin;
            }
        }
        throw new AssertionError("no plugin " + artifactId + " in scoring-app/pom.xml");
    }

    private static Element pluginConfiguration(String artifactId) {
        return child(plugin(artifactId), "configuration");
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().strip();
    }

    private static List<String> texts(Element parent) {
        List<String> texts = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                texts.add(element.getTextContent().strip());
            }
        }
        return texts;
    }

    /** A property of the "image" profile, as ${name} in the Jib configuration refers to it. */
    private static String resolve(String value) {
        if (!value.startsWith("${")) {
            return value;
        }
        String name = value.substring(2, value.length() - 1);
        var properties = pom.getElementsByTagName(name);
        assertThat(properties.getLength()).as("property " + name).isPositive();
        return properties.item(0).getTextContent().strip();
    }

    private static List<ObjectNode> base() {
        return Kustomize.render(Manifests.k8s().resolve("base"));
    }

    /** The instructions of the stage named {@code name} ({@code FROM image AS name}). */
    private static List<Instruction> stage(String name) {
        int from = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                if (from >= 0) {
                    return all.subList(from, i);
                }
                if (all.get(i).arguments().endsWith(" AS " + name)) {
                    from = i;
                }
            }
        }
        assertThat(from).as("stage " + name).isNotNegative();
        return all.subList(from, all.size());
    }

    @Test
    void shouldRunOnADistrolessGlibcJreWithoutAShell() {
        String image = runStage.get(0).arguments();
        // Distroless images are Debian's glibc without a shell; their :debug tags add busybox's.
        assertThat(image).startsWith("gcr.io/distroless/java17-debian").doesNotContain("debug").doesNotContain("alpine");
        assertThat(resolve(text(child(jib, "from"), "image"))).as("Jib's base image").isEqualTo(image);
        assertThat(arguments("RUN")).as("a RUN needs a shell in the image").isEmpty();
        assertThat(arguments("ENTRYPOINT").get(0)).as("exec form: started without a shell").startsWith("[");
        assertThat(arguments("CMD").get(0)).startsWith("[");
        JsonNode pod = KubernetesOverlaysTest.podSpec(base());
        for (JsonNode container : KubernetesManifestsTest.containers(pod)) {
            String text = container.toString();
            assertThat(text).as("container " + container.path("name").asText() + " runs no shell and no exec probe")
                    .doesNotContain("\"exec\"").doesNotContain("/bin/sh").doesNotContain("\"sh\"").doesNotContain("bash");
        }
    }

    @Test
    void shouldCarryTheOpenMpRuntimeXgboostNeedsFromTheSameDebianRelease() {
        String release = runStage.get(0).arguments().replaceAll(".*-debian(\\d+).*", "$1");
        List<Instruction> copies = runStage.stream()
                .filter(i -> i.keyword().equals("COPY") && i.arguments().contains("libgomp.so.1")).toList();
        assertThat(copies).hasSize(1);
        String from = copies.get(0).arguments().replaceAll("^--from=(\\S+) .*", "$1");
        List<Instruction> openmp = stage(from);
        assertThat(openmp.get(0).arguments()).startsWith("debian:" + release + "-");
        assertThat(openmp).anyMatch(i -> i.keyword().equals("RUN") && i.arguments().contains("apt-get install")
                && i.arguments().contains("libgomp1"));
    }

    @Test
    void shouldRunAsTheNonRootUserThePodsRunAs() {
        List<String> users = arguments("USER");
        assertThat(users).hasSize(1);
        String user = users.get(0);
        assertThat(user).matches("[1-9][0-9]*:[1-9][0-9]*");
        assertThat(text(child(jib, "container"), "user")).isEqualTo(user);
        JsonNode security = KubernetesOverlaysTest.podSpec(base()).path("securityContext");
        assertThat(security.path("runAsUser").asText() + ":" + security.path("runAsGroup").asText()).isEqualTo(user);
    }

    @Test
    void shouldExposeTheApplicationsHttpPort() {
        String port = ScoringConfig.defaults().get(ScoringConfig.HTTP_PORT).toString();
        assertThat(arguments("EXPOSE")).containsExactly(port);
        assertThat(texts(child(child(jib, "container"), "ports"))).containsExactly(port);
    }

    @Test
    void shouldStartTheSameMainClassWithTheSameJvmFlagsAndCommand() throws IOException {
        List<String> entrypoint = jsonArray(arguments("ENTRYPOINT").get(0));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        int jar = entrypoint.indexOf("-jar");
        assertThat(jar).isPositive();
        Element container = child(jib, "container");
        // But the class-data archive: Jib runs nothing at build time, so its image has none (and starts ~1 s slower).
        List<String> flags = entrypoint.subList(1, jar).stream().filter(flag -> !flag.startsWith("-XX:SharedArchiveFile=")).toList();
        assertThat(flags).isEqualTo(texts(child(container, "jvmFlags")));
        assertThat(jsonArray(arguments("CMD").get(0))).isEqualTo(texts(child(container, "args")));

        String shadedMain = pom.getElementsByTagName("mainClass").item(0).getTextContent().strip();
        assertThat(text(container, "mainClass")).isEqualTo(shadedMain);
        assertThat(arguments("COPY")).anyMatch(copy -> copy.endsWith(" " + entrypoint.get(jar + 1)));
        assertThat(KubernetesOverlaysTest.scoringContainer(base()).path("command").isMissingNode())
                .as("the pods pass arguments to the image's entrypoint, whichever builder made it").isTrue();
    }

    @Test
    void shouldStartWithAClassArchiveWrittenByTheRuntimeImagesOwnJvmFromTheSameJar() throws IOException {
        List<String> entrypoint = jsonArray(arguments("ENTRYPOINT").get(0));
        String archive = entrypoint.stream().filter(flag -> flag.startsWith("-XX:SharedArchiveFile="))
                .map(flag -> flag.substring(flag.indexOf('=') + 1)).findFirst().orElseThrow();
        String jar = entrypoint.get(entrypoint.indexOf("-jar") + 1);
        String copy = arguments("COPY").stream().filter(c -> c.endsWith(" " + archive + " " + archive)).findFirst().orElseThrow();
        List<Instruction> classes = stage(copy.replaceAll("^--from=(\\S+) .*", "$1"));
        // The same JVM build: the run stage's image; the same jar: copied from the same stage to the same path.
        assertThat(classes.get(0).arguments()).startsWith(runStage.get(0).arguments() + " AS ");
        String jarCopy = runStage.stream().filter(i -> i.keyword().equals("COPY") && i.arguments().endsWith(" " + jar))
                .findFirst().orElseThrow().arguments();
        assertThat(classes).anyMatch(i -> i.keyword().equals("COPY") && i.arguments().equals(jarCopy));
        List<String> run = jsonArray(classes.stream().filter(i -> i.keyword().equals("RUN")).findFirst().orElseThrow().arguments());
        assertThat(run.subList(0, 4)).as("exec form: the image has no shell").containsExactly("java", "-jar", jar, "class-archive");
        assertThat(run.get(run.indexOf("--out") + 1)).isEqualTo(archive);
    }

    @Test
    void shouldBakeTheDefaultModelWhereTheInitContainerFallsBackToIt() {
        JsonNode init = KubernetesOverlaysTest.podSpec(base()).at("/initContainers/0");
        List<String> args = new ArrayList<>();
        init.path("args").forEach(a -> args.add(a.asText()));
        String fallback = args.get(args.indexOf("--default") + 1);
        String trained = stage("build").stream().filter(i -> i.keyword().equals("RUN") && i.arguments().contains(" train --out "))
                .map(i -> i.arguments().replaceAll(".* train --out (\\S+).*", "$1")).findFirst().orElseThrow();
        assertThat(arguments("COPY")).contains("--from=build " + trained + " " + fallback);
        List<String> train = texts((Element) plugin("exec-maven-plugin").getElementsByTagName("arguments").item(0));
        assertThat(train).contains("train");
        assertThat(train.get(train.indexOf("--out") + 1)).endsWith("/jib-extra" + fallback);
        assertThat(texts(child(child(child(jib, "extraDirectories"), "paths"), "path")))
                .containsExactly("${project.build.directory}/jib-extra", "/");
    }

    @Test
    void shouldPrepareTheWritableDirectoriesOfAReadOnlyRoot() {
        String stateDir = KubernetesOverlaysTest.config(base(), KubernetesOverlaysTest.scoringContainer(base()))
                .get(ScoringConfig.STATE_DIR).toString();
        String user = arguments("USER").get(0);
        // Made in the build stage (the runtime image cannot mkdir) and copied owned by the user.
        String copy = arguments("COPY").stream().filter(c -> c.startsWith("--from=build --chown=" + user + " ")).findFirst().orElseThrow();
        String writable = copy.split(" ")[2];
        assertThat(copy).endsWith(" /");
        assertThat(stage("build")).anyMatch(i -> i.keyword().equals("RUN")
                && i.arguments().contains(writable.replaceAll("/$", "") + stateDir) && i.arguments().contains(writable.replaceAll("/$", "") + "/models"));
    }

    @Test
    void shouldSendTheBuildOnlyWhatItCopies() throws IOException {
        List<String> ignore = Files.readAllLines(Manifests.root().resolve(".dockerignore"), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).as("everything is left out unless named").isEqualTo("**");
        List<Instruction> all = dockerfile(Manifests.root().resolve("Dockerfile"));
        for (Instruction copy : all) {
            if (copy.keyword().equals("COPY") && !copy.arguments().startsWith("--from")) {
                String source = copy.arguments().split(" ")[0];
                assertThat(ignore).as(".dockerignore lets " + source + " through")
                        .anyMatch(line -> line.equals("!" + source) || line.equals("!" + source + "/**"));
            }
        }
    }
}
