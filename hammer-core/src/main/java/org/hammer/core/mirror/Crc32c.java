package org.hammer.core.mirror;

/**
 * Arithmetic on CRC32C values (the JDK's {@link java.util.zip.CRC32C}: reflected polynomial
 * 0x1EDC6F41, initial value and final xor all ones) without the bytes they cover. The CRC of
 * {@code a ‖ b} is {@code x^(8|b|) · crc(a) + crc(b)} modulo the polynomial, so the CRC of a
 * concatenation can be made from its parts, and a part's from the whole and the other part: a
 * stream checksum built from the frames' checksums costs no pass over the payload.
 */
final class Crc32c {
    /** The polynomial, bit-reversed. */
    private static final int POLY = 0x82F63B78;
    /** x^(2^k) modulo the polynomial, for k = 0..31. */
    private static final int[] X2N = new int[32];

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int k = 1; k < 32; k++) {
            p = multiply(p, p);
            X2N[k] = p;
        }
    }

    private Crc32c() {
    }

    /** {@code a(x) · b(x)} modulo the polynomial, both bit-reversed (bit 31 is x^0). */
    private static int multiply(int a, int b) {
        int product = 0;
        for (int m = 1 << 31; m != 0 && a != 0; m >>>= 1) {
            if ((a & m) != 0) {
                product ^= b;
                a &= ~m;
            }
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return product;
    }

    /** The last {@link #shift} made: most data blocks have one size. */
    private record Shift(long n, int by) {
    }

    private static volatile Shift last = new Shift(0, 1 << 31);

    /** x^(8n) modulo the polynomial: what a CRC is multiplied by when n bytes follow it. */
    private static int shift(long n) {
        Shift s = last;
        if (s.n() == n) {
            return s.by();
        }
        int by = power(n);
        last = new Shift(n, by);
        return by;
    }

    private static int power(long n) {
        int p = 1 << 31; // x^0
        int k = 3; // 8n = n · 2^3
        for (long bits = n; bits != 0; bits >>>= 1, k++) {
            if ((bits & 1) != 0) {
                p = multiply(X2N[k & 31], p);
            }
        }
        return p;
    }

    /** The CRC of {@code a ‖ b}, from {@code crc(a)}, {@code crc(b)} and the length of {@code b}. */
    static int combine(int crcA, int crcB, long lengthB) {
        return multiply(shift(lengthB), crcA) ^ crcB;
    }

    /** The CRC of {@code b}, from {@code crc(a ‖ b)}, {@code crc(a)} and the length of {@code b}. */
    static int suffix(int crcWhole, int crcA, long lengthB) {
        return crcWhole ^ multiply(shift(lengthB), crcA);
    }
}
