/**
 * The mirror engine: the framed stream (the only package that sees protobuf types), the source
 * that reads a PFS's change index, the target that applies records to a slave, and the
 * in-process copy that joins both ends.
 */
package org.hammer.core.mirror;
