package org.hammer.core.mirror;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.util.List;
import org.hammer.proto.Batch;
import org.hammer.proto.Error;
import org.hammer.proto.Hello;
import org.hammer.proto.Idle;
import org.hammer.proto.Lineage;
import org.hammer.proto.Pfsd;
import org.hammer.proto.Rec;
import org.hammer.proto.Records;
import org.hammer.proto.Sync;
import org.hammer.proto.Term;
import org.hammer.proto.Update;

/**
 * Readies the protobuf runtime for every message of the stream before the stream needs it: the
 * lite runtime builds each message's schema (reflection over its fields) on its first write or
 * parse, and initialises itself (memory access, the platform probes) on the first of all. A
 * mirroring command runs this on a second thread while its first opens the stores.
 */
public final class MessagePreload {
    private MessagePreload() {
    }

    /** The stream's messages, one default instance each. */
    static List<MessageLite> messages() {
        return List.of(Hello.getDefaultInstance(), Pfsd.getDefaultInstance(), Lineage.getDefaultInstance(),
                Batch.getDefaultInstance(), Rec.getDefaultInstance(), Records.getDefaultInstance(),
                Sync.getDefaultInstance(), Update.getDefaultInstance(), Idle.getDefaultInstance(),
                Term.getDefaultInstance(), Error.getDefaultInstance());
    }

    /** Writes and parses each message once; returns how many. */
    public static int run() {
        int n = 0;
        for (MessageLite m : messages()) {
            try {
                m.getParserForType().parseFrom(m.toByteArray());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("protobuf: " + m.getClass().getSimpleName() + " does not read back", e);
            }
            n++;
        }
        return n;
    }
}
