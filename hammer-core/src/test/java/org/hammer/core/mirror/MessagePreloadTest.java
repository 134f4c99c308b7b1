package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.GeneratedMessageLite;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.hammer.proto.Hello;
import org.junit.jupiter.api.Test;

class MessagePreloadTest {

    /** Every message class the proto module holds, read from its jar or class directory. */
    private static Set<String> generatedMessages() throws IOException, URISyntaxException {
        Path where = Path.of(Hello.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                files.map(p -> where.relativize(p).toString()).forEach(n -> add(names, n));
            }
        } else {
            try (ZipFile jar = new ZipFile(where.toFile())) {
                jar.stream().forEach(e -> add(names, e.getName()));
            }
        }
        names.removeIf(n -> {
            try {
                return !MessageLite.class.isAssignableFrom(Class.forName(n)) || Class.forName(n).isInterface();
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        });
        return names;
    }

    private static void add(Set<String> names, String file) {
        if (file.startsWith("org/hammer/proto/") && file.endsWith(".class") && !file.contains("$")) {
            names.add(file.substring(0, file.length() - ".class".length()).replace('/', '.'));
        }
    }

    @Test
    void everyMessageOfTheStreamIsReadied() throws Exception {
        Set<String> readied = new TreeSet<>();
        for (MessageLite m : MessagePreload.messages()) {
            readied.add(m.getClass().getName());
        }
        Set<String> generated = generatedMessages();

        assertThat(generated).as("the proto module's messages").contains("org.hammer.proto.Rec", "org.hammer.proto.Records");
        assertThat(readied).isEqualTo(generated);
        assertThat(MessagePreload.run()).isEqualTo(generated.size());
    }

    /** The messages are built for the lite runtime, whose classes start no java.util.logging. */
    @Test
    void theMessagesAreLite() {
        for (MessageLite m : MessagePreload.messages()) {
            assertThat(m).as(m.getClass().getName()).isInstanceOf(GeneratedMessageLite.class);
        }
        assertThat(Stream.of("com.google.protobuf.GeneratedMessage", "com.google.protobuf.Descriptors")
                .filter(MessagePreloadTest::loadable)).as("full-runtime classes on hammer's class path").isEmpty();
    }

    private static boolean loadable(String name) {
        try {
            Class.forName(name, false, MessagePreloadTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
