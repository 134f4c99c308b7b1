package org.hammer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.JSRInlinerAdapter;

/**
 * Copies a jar with its class files of a version before Java 6 (picocli ships Java 5 ones)
 * rewritten as Java 17 class files, with the stack map frames the split verifier checks. The JVM
 * verifies old class files at every start with the slow type-inferring verifier, and neither a
 * CDS archive nor an AOT cache keeps them verified (JDK 25's leaves them out altogether); the
 * rewritten ones are verified once, when the start-up archive is made. Every rewritten class is
 * loaded and verified here before the copy is kept: on any failure there is no copy and hammer
 * runs on the original jar. {@code java ... org.hammer.cli.ClassFileUpgrade IN.jar OUT.jar};
 * exit 0 with OUT written, else 1 and a line on stderr.
 */
public final class ClassFileUpgrade {

    private static final int OLDEST_WITH_FRAMES = Opcodes.V1_6;

    private ClassFileUpgrade() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ClassFileUpgrade IN.jar OUT.jar");
            System.exit(2);
        }
        Path out = Path.of(args[1]);
        Path tmp = out.resolveSibling(out.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            List<String> upgraded = upgrade(Path.of(args[0]), tmp);
            verify(tmp, upgraded);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("hammer: " + args[0] + ": class files not upgraded: " + e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing to clean
            }
            System.exit(1);
        }
        System.exit(0);
    }

    /** Writes {@code in} to {@code out} with its old class files rewritten; returns their class names. */
    static List<String> upgrade(Path in, Path out) throws IOException {
        List<String> upgraded = new ArrayList<>();
        try (JarFile jar = new JarFile(in.toFile());
                JarOutputStream o = new JarOutputStream(Files.newOutputStream(out))) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                byte[] bytes;
                try (InputStream s = jar.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                String name = e.getName();
                if (name.endsWith(".class") && !name.contains("-INF/")) {
                    ClassReader r = new ClassReader(bytes);
                    int version = r.readShort(6);
                    if (version < OLDEST_WITH_FRAMES) {
                        bytes = rewrite(r);
                        upgraded.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                    }
                }
                JarEntry copy = new JarEntry(name);
                copy.setTime(e.getTime());
                o.putNextEntry(copy);
                o.write(bytes);
                o.closeEntry();
            }
        }
        return upgraded;
    }

    private static byte[] rewrite(ClassReader r) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        r.accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V17, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                // Subroutines (jsr/ret) are not allowed from Java 7 on: inline them.
                return new JSRInlinerAdapter(mv, access, name, descriptor, signature, exceptions);
            }
        }, ClassReader.SKIP_FRAMES);
        return w.toByteArray();
    }

    /** Loads and links every upgraded class from {@code jar} alone, so that the verifier checks each. */
    private static void verify(Path jar, List<String> names) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String n : names) {
                try {
                    Class.forName(n, true, loader);
                } catch (ClassNotFoundException | NoClassDefFoundError | ExceptionInInitializerError e) {
                    // a class needing something absent here (an optional dependency) is verified
                    // when it is used, as before; only a verification failure (VerifyError) is ours
                }
            }
        }
    }
}
