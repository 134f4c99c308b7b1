package org.hammer.core.pfs;

import java.util.UUID;

/** TIDs {@code first..last} of a PFS's history were produced by the master with {@code producer} unique-uuid. */
public record LineageSegment(UUID producer, long first, long last) {
}
