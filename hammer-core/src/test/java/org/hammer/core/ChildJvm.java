package org.hammer.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM running a test's main class on this JVM's class path. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java OPTIONS... -cp CLASSPATH MAIN ARGS...} with the options lmdbjava needs on this JDK. */
    public static List<String> command(List<String> options, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        cmd.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
