package org.hammer.core.fs;

/** One readdir result: a name, the object it names, its file type bits and the cookie after it. */
public record Entry(String name, long ino, int fileType, long cookie) {
}
