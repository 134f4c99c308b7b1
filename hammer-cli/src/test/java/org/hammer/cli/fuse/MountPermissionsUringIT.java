package org.hammer.cli.fuse;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link MountPermissionsIT}'s tests with the mounts served through FUSE over io_uring ({@link UringMounts}). */
@ExtendWith(UringMounts.class)
class MountPermissionsUringIT extends MountPermissionsIT {
}
