package org.hammer.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/** Raw, buffered standard input and output for binary streams (System.out is for text). */
final class StdStreams {
    private StdStreams() {
    }

    static InputStream in() {
        return new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
    }

    static OutputStream out() {
        return new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    }
}
