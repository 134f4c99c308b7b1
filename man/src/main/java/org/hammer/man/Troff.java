package org.hammer.man;

/** A troff text under construction: man(7) macros and escaped running text. */
final class Troff {

    private final StringBuilder out = new StringBuilder();

    /** A macro line such as {@code .SH NAME}; arguments with spaces are quoted. */
    void macro(String name, String... args) {
        out.append('.').append(name);
        for (String arg : args) {
            String escaped = escape(arg);
            out.append(' ').append(arg.contains(" ") ? '"' + escaped + '"' : escaped);
        }
        out.append('\n');
    }

    /** A new paragraph of running text. */
    void paragraph(String text) {
        macro("PP");
        text(text);
    }

    /** Running text, escaped. */
    void text(String text) {
        out.append(escapeLine(text)).append('\n');
    }

    /** A bold line. */
    void bold(String text) {
        out.append(".B ").append(escape(text)).append('\n');
    }

    /** Lines that are already troff. */
    void raw(String troff) {
        out.append(troff).append('\n');
    }

    /** Escapes backslashes and hyphens (so options copy and paste as ASCII). */
    static String escape(String text) {
        return text.replace("\\", "\\e").replace("-", "\\-").replace("\"", "\\(dq");
    }

    /** {@link #escape}, and keeps a leading '.' or '\'' from being read as a request. */
    static String escapeLine(String text) {
        String escaped = escape(text);
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
