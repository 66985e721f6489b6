package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which archive a broker's JVM is launched with, and what becomes of the one it writes; no JVM is launched. */
class BrokerClassArchiveTest {

    private static final String WRITE = "-XX:ArchiveClassesAtExit=";
    private static final String USE = "-XX:SharedArchiveFile=";

    @TempDir
    Path dir;

    private Path archives;
    private String testClasses;
    private String app;
    private String kafka;

    @BeforeEach
    void classPath() throws IOException {
        archives = dir.resolve("archives");
        testClasses = Files.createDirectories(dir.resolve("test-classes")).toString();
        Files.writeString(dir.resolve("test-classes").resolve("logback-test.xml"), "<configuration/>");
        app = Files.writeString(dir.resolve("app.jar"), "jar").toString();
        kafka = Files.writeString(dir.resolve("kafka.jar"), "jar").toString();
    }

    @Test
    void shouldRunTheBrokerFromTheJarsAloneWhenBrokerMainIsInOne() {
        BrokerClassArchive archive = BrokerClassArchive.of(List.of(testClasses, app, kafka), app, archives);

        assertThat(archive.classPath()).isEqualTo(app + File.pathSeparator + kafka);
        assertThat(archive.file().getParent()).isEqualTo(archives);
        assertThat(archive.file().getFileName().toString()).endsWith(".jsa");
    }

    @Test
    void shouldRunTheBrokerFromTheWholeClassPathWithoutAnArchiveWhenBrokerMainIsInAClassDirectory() {
        BrokerClassArchive archive = BrokerClassArchive.of(List.of(testClasses, kafka), testClasses, archives);

        assertThat(archive.classPath()).isEqualTo(testClasses + File.pathSeparator + kafka);
        assertThat(archive.file()).isNull();
        assertThat(archive.launch().jvmOptions()).isEmpty();
    }

    @Test
    void shouldNameAnArchiveAfterItsClassPath() {
        Path one = BrokerClassArchive.of(List.of(app, kafka), app, archives).file();

        assertThat(BrokerClassArchive.of(List.of(testClasses, app, kafka), app, archives).file()).isEqualTo(one);
        assertThat(BrokerClassArchive.of(List.of(app), app, archives).file()).isNotEqualTo(one);
    }

    @Test
    void shouldWriteAnArchiveAtTheFirstLaunchAndUseItAfterACleanStop() throws IOException {
        BrokerClassArchive archive = BrokerClassArchive.of(List.of(app, kafka), app, archives);
        BrokerClassArchive.Launch first = archive.launch();
        Path written = Path.of(option(first, WRITE));
        assertThat(written).isNotEqualTo(archive.file());
        assertThat(written.getParent()).isEqualTo(archives);

        Files.writeString(written, "classes");
        first.exited(true);

        assertThat(archive.file()).hasContent("classes");
        assertThat(written).doesNotExist();
        assertThat(option(archive.launch(), USE)).isEqualTo(archive.file().toString());
    }

    @Test
    void shouldDropWhatAKilledJvmWrote() throws IOException {
        BrokerClassArchive archive = BrokerClassArchive.of(List.of(app, kafka), app, archives);
        BrokerClassArchive.Launch killed = archive.launch();
        Path written = Path.of(option(killed, WRITE));
        Files.writeString(written, "cut sho");

        killed.exited(false);

        assertThat(written).doesNotExist();
        assertThat(archive.file()).doesNotExist();
        assertThat(option(archive.launch(), WRITE)).isNotEqualTo(written.toString());
    }

    @Test
    void shouldWriteTheArchiveAgainOnceAJarIsNewerThanIt() throws IOException {
        BrokerClassArchive archive = BrokerClassArchive.of(List.of(app, kafka), app, archives);
        Files.createDirectories(archives);
        Files.writeString(archive.file(), "classes");
        FileTime made = Files.getLastModifiedTime(archive.file());
        assertThat(archive.isCurrent()).isTrue();

        Files.setLastModifiedTime(Path.of(kafka), FileTime.fromMillis(made.toMillis() + 10_000));

        assertThat(archive.isCurrent()).isFalse();
        assertThat(option(archive.launch(), WRITE)).startsWith(archive.file() + ".");
    }

    @Test
    void shouldLaunchWithoutAnArchiveFromADirectoryOthersCanWriteTo() throws IOException {
        Files.createDirectories(archives);
        Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxrwxrwx"));
        BrokerClassArchive archive = BrokerClassArchive.of(List.of(app, kafka), app, archives);
        Files.writeString(archive.file(), "classes");

        assertThat(archive.launch().jvmOptions()).isEmpty();
    }

    @Test
    void shouldMakeTheArchivesDirectoryThisUsersAlone() throws IOException {
        BrokerClassArchive.of(List.of(app, kafka), app, archives).launch();

        assertThat(Files.getPosixFilePermissions(archives)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void shouldMakeEveryEntryAbsolute() {
        List<String> entries = BrokerClassArchive.absoluteEntries("target/classes" + File.pathSeparator + "lib/a.jar");

        assertThat(entries).hasSize(2).allMatch(entry -> Path.of(entry).isAbsolute());
        assertThat(entries.get(1)).endsWith("lib/a.jar");
    }

    private static String option(BrokerClassArchive.Launch launch, String prefix) {
        return launch.jvmOptions().stream().filter(option -> option.startsWith(prefix)).map(option -> option.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in " + launch.jvmOptions()));
    }
}
