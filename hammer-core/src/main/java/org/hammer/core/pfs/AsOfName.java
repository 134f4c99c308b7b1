package org.hammer.core.pfs;

import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;

/**
 * One path component in HAMMER's {@code @@} syntax (HAMMER.md §2.2): {@code name@@0x<tid>} is
 * {@code name} as of a TID and {@code name@@-1} is it now; with no name ({@code @@0x<tid>},
 * {@code @@-1}) it is the directory itself; {@code @@0x<tid>:NNNNN} and {@code @@-1:NNNNN} are the
 * root of PFS NNNNN; {@code @@PFS%05d} is the text a PFS link stores. A TID is {@code 0x} and
 * exactly 16 hex digits, a PFS id exactly 5 decimal digits, as hammer(8) prints them. A name with
 * {@code @@} in it is always one of these: anything else is an invalid TID (a usage error), never
 * an ordinary name. The one parser of the syntax, for command-line paths, snapshot links and the
 * mount alike.
 *
 * @param name the name before {@code @@}; empty for the directory itself or a PFS root
 * @param tid the TID, {@link Tid#MAX} for {@code -1} (now)
 * @param pfs the PFS id after {@code :}, or {@link #NO_PFS}
 */
public record AsOfName(String name, long tid, int pfs) {
    /** {@link #pfs} when no PFS is selected. */
    public static final int NO_PFS = -1;
    /** Largest PFS id the 5-digit form can name. */
    public static final int MAX_PFS = 99_999;

    private static final String SYNTAX = "after @@ comes -1 or 0x and 16 hex digits, then optionally"
            + " :NNNNN (a 5-digit PFS id) when no name precedes the @@";

    public AsOfName {
        if (name == null || name.contains("@@") || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("bad name before @@: " + name);
        }
        if (pfs < NO_PFS || pfs > MAX_PFS || pfs != NO_PFS && !name.isEmpty()) {
            throw new IllegalArgumentException("bad PFS id " + pfs + " after " + name + "@@");
        }
    }

    /** {@code name} as of {@code tid} ({@link Tid#MAX}: now). */
    public static AsOfName of(String name, long tid) {
        return new AsOfName(name, tid, NO_PFS);
    }

    /** The root of PFS {@code pfs} as of {@code tid} ({@link Tid#MAX}: now). */
    public static AsOfName pfsRoot(int pfs, long tid) {
        return new AsOfName("", tid, pfs);
    }

    /**
     * Parses one path component: null when it has no {@code @@} (an ordinary name); a USAGE
     * failure "invalid TID: ..." when it has one but is not one of the forms above, or names TID 0.
     */
    public static AsOfName parse(String component) {
        int at = component.indexOf("@@");
        if (at < 0) {
            return null;
        }
        AsOfName n = tryParse(component);
        if (n == null) {
            throw HammerException.usage("invalid TID: " + component + " (" + SYNTAX + ")");
        }
        if (n.tid == 0) {
            throw HammerException.usage("invalid TID: " + component + " (0 is no TID: the first is "
                    + Tid.format(Tid.FIRST) + ")");
        }
        return n;
    }

    /** As {@link #parse}, but null for anything that is not a well-formed {@code @@} name. */
    public static AsOfName tryParse(String component) {
        int at = component.indexOf("@@");
        if (at < 0) {
            return null;
        }
        String name = component.substring(0, at);
        String rest = component.substring(at + 2);
        int linked = linkedPfs(component);
        if (linked >= 0) {
            return pfsRoot(linked, Tid.MAX);
        }
        int colon = rest.indexOf(':');
        String tidText = colon < 0 ? rest : rest.substring(0, colon);
        int pfs = NO_PFS;
        if (colon >= 0) {
            pfs = digits(rest.substring(colon + 1));
            if (pfs < 0 || !name.isEmpty()) {
                return null;
            }
        }
        if (name.indexOf('/') >= 0) {
            return null;
        }
        if (tidText.equals("-1")) {
            return new AsOfName(name, Tid.MAX, pfs);
        }
        if (tidText.length() != 18 || !tidText.startsWith("0x")) {
            return null;
        }
        for (int i = 2; i < 18; i++) {
            if (Character.digit(tidText.charAt(i), 16) < 0) {
                return null;
            }
        }
        return new AsOfName(name, Long.parseUnsignedLong(tidText.substring(2), 16), pfs);
    }

    /** The PFS id a PFS link's stored text {@code @@PFS%05d} names, or -1 for any other text. */
    public static int linkedPfs(String linkText) {
        return linkText.startsWith("@@PFS") ? digits(linkText.substring(5)) : -1;
    }

    /** The text a PFS link stores: {@code @@PFS%05d} (10 characters, as hammer(8)). */
    public static String storedLink(int pfs) {
        if (pfs < 0 || pfs > MAX_PFS) {
            throw new IllegalArgumentException("PFS id " + pfs);
        }
        return String.format("@@PFS%05d", pfs);
    }

    /**
     * Checks every component of a command-line path: a USAGE failure naming the path when one
     * has a malformed {@code @@} suffix.
     */
    public static void check(String path) {
        for (String component : path.split("/")) {
            try {
                parse(component);
            } catch (HammerException e) {
                throw HammerException.usage(path + ": " + e.getMessage());
            }
        }
    }

    /** Exactly 5 decimal digits as an int, else -1. */
    private static int digits(String s) {
        if (s.length() != 5) {
            return -1;
        }
        for (int i = 0; i < 5; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    /** True for {@code @@-1}: the current state, or a PFS's default view. */
    public boolean current() {
        return tid == Tid.MAX;
    }

    public boolean selectsPfs() {
        return pfs != NO_PFS;
    }

    /** The component as hammer(8) prints it: {@code name@@0x%016x} or {@code name@@-1}, then {@code :%05d}. */
    public String format() {
        String t = current() ? "-1" : Tid.format(tid);
        return name + "@@" + t + (selectsPfs() ? String.format(":%05d", pfs) : "");
    }

    @Override
    public String toString() {
        return format();
    }
}
