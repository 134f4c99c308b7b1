package org.hammer.cli.fuse;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link MountMemoryIT}'s bound with the kernel-protocol mount served through FUSE over io_uring ({@link UringMounts}). */
@ExtendWith(UringMounts.class)
class MountMemoryUringIT extends MountMemoryIT {
}
