package org.hammer.core.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.hammer.core.HammerException;
import org.hammer.core.transport.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A local mirror's RECORDS payloads go from source to target uncopied, and are checked all the same. */
@Timeout(30)
class FrameHandOverTest {

    @Test
    void aPayloadHandedOverIsTheTargetsFrameAndItsCrcIsChecked() {
        Pipe p = new Pipe(1 << 16);
        FrameWriter w = new FrameWriter(p.out(), 0);
        FrameReader r = new FrameReader(p.in(), "test");
        byte[] payload = new byte[1000];
        Arrays.fill(payload, (byte) 5);
        w.write(FrameType.IDLE, new byte[] {1, 2});
        assertTrue(w.writeHandingOver(FrameType.RECORDS, payload, 600));

        Frame idle = r.next();
        assertEquals(FrameType.IDLE, idle.type());
        assertArrayEquals(new byte[] {1, 2}, idle.bytes());
        Frame records = r.next();
        assertSame(payload, records.payload(), "the array itself, not a copy");
        assertEquals(600, records.length());
        assertEquals(600, records.bytes().length);

        // A payload changed after its CRC was taken is refused as any damaged frame.
        byte[] second = new byte[700];
        assertTrue(w.writeHandingOver(FrameType.RECORDS, second, 700));
        second[10] = 1;
        HammerException e = assertThrows(HammerException.class, r::next);
        assertEquals(HammerException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    }

    @Test
    void aByteCountOnTheWayCountsWhatIsHandedPastIt() {
        Pipe p = new Pipe(1 << 16);
        org.hammer.core.transport.ByteMeter meter = new org.hammer.core.transport.ByteMeter();
        FrameWriter w = new FrameWriter(meter.wrap(p.out()), 0);
        byte[] payload = new byte[500];
        assertTrue(w.writeHandingOver(FrameType.RECORDS, payload, 400));
        assertEquals(Frames.HEADER + 400, meter.bytes());
        assertSame(payload, new FrameReader(p.in(), "test").next().payload());
    }

    @Test
    void aStreamThatIsNotAPipeGetsCopiesAndTheCallerKeepsItsArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out, 0);
        byte[] payload = new byte[300];
        assertFalse(w.writeHandingOver(FrameType.RECORDS, payload, 300));
        FrameReader r = new FrameReader(new java.io.ByteArrayInputStream(out.toByteArray()), "test");
        assertNotSame(payload, r.next().payload());
    }

    @Test
    void aCompressedPayloadLeavesTheCallersArrayToIt() {
        Pipe p = new Pipe(1 << 16);
        FrameWriter w = new FrameWriter(p.out(), 3);
        byte[] payload = new byte[4000]; // zeros: compresses
        assertFalse(w.writeHandingOver(FrameType.RECORDS, payload, 4000));
        Frame f = new FrameReader(p.in(), "test").next();
        assertNotSame(payload, f.payload());
        assertArrayEquals(payload, f.bytes());
    }
}
