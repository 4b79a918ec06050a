package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every published jar names its module (Automatic-Module-Name), so that module-path users get a stable name instead
 * of one derived from the file name; the names are unique. Reads the modules of the root pom, so a new module that
 * forgets the {@code backupkit.module.name} property fails (the jar plugin already refuses an empty name; this checks
 * that every packaged jar has one, that it is a valid name and that no two modules share it). Runs after the modules
 * were packaged (this module is built last).
 */
class ModuleNamesTest {
    private static final Path ROOT = Path.of(System.getProperty("backupkit.repo.root", ".."));
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)+");

    @Test
    void everyPublishedJarHasAUniqueAutomaticModuleName() throws IOException {
        Map<String, Path> names = new HashMap<>();
        List<Path> jars = publishedJars();
        // `mvn test` runs before anything is packaged; `mvn verify` (CI) packages every module before this one
        assumeTrue(!jars.isEmpty() || "true".equals(System.getenv("CI")), "no module is packaged yet");
        assertThat(jars).as("packaged jars of the root pom's modules (run after `mvn package`)").hasSizeGreaterThan(10);
        for (Path jar : jars) {
            String name;
            try (JarFile file = new JarFile(jar.toFile())) {
                name = file.getManifest() == null ? null
                        : file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            }
            assertThat(name).as("Automatic-Module-Name of %s (set backupkit.module.name in its pom)", jar).isNotNull();
            assertThat(name).as("module name of %s", jar).matches(NAME);
            Path other = names.putIfAbsent(name, jar);
            assertThat(other).as("%s names module %s, as %s does", jar, name, other).isNull();
        }
    }

    private static List<Path> publishedJars() throws IOException {
        List<Path> jars = new ArrayList<>();
        Matcher modules = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (modules.find()) {
            Path module = ROOT.resolve(modules.group(1));
            String pom = Files.readString(module.resolve("pom.xml"));
            if (modules.group(1).startsWith("examples") || pom.contains("<packaging>pom</packaging>")) {
                continue; // examples are not published; a pom module has no jar
            }
            Path target = module.resolve("target");
            if (!Files.isDirectory(target)) {
                continue;
            }
            try (Stream<Path> files = Files.list(target)) {
                files.filter(f -> f.toString().endsWith(".jar"))
                        .filter(f -> !f.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar|original-.*"))
                        .forEach(jars::add);
            }
        }
        return jars;
    }
}
