# readdir.py DIR: reads DIR through libc's opendir/readdir, changing it half-way, and checks what
# a reader may rely on: each name neither removed nor made meanwhile comes exactly once, and
# seekdir to a telldir position gives the same entries again. Prints "ok N" or what went wrong.
import ctypes, ctypes.util, os, sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class Dirent(ctypes.Structure):
    _fields_ = [("d_ino", ctypes.c_uint64), ("d_off", ctypes.c_int64), ("d_reclen", ctypes.c_ushort),
                ("d_type", ctypes.c_ubyte), ("d_name", ctypes.c_char * 256)]


libc.opendir.restype = ctypes.c_void_p
libc.opendir.argtypes = [ctypes.c_char_p]
libc.readdir.restype = ctypes.POINTER(Dirent)
libc.readdir.argtypes = [ctypes.c_void_p]
libc.telldir.restype = ctypes.c_long
libc.telldir.argtypes = [ctypes.c_void_p]
libc.seekdir.argtypes = [ctypes.c_void_p, ctypes.c_long]
libc.closedir.argtypes = [ctypes.c_void_p]


def read(d, limit):
    out = []
    while len(out) < limit:
        e = libc.readdir(d)
        if not e:
            break
        out.append(e.contents.d_name.decode())
    return out


top = sys.argv[1]
before = set(os.listdir(top))
d = libc.opendir(top.encode())
if not d:
    sys.exit("opendir: " + os.strerror(ctypes.get_errno()))
first = read(d, len(before) // 3)
unread = sorted(before - set(first))
removed = set(unread[::7])
made = {"new-%d" % i for i in range(len(removed))}
for n in removed:
    os.unlink(os.path.join(top, n))
for n in made:
    open(os.path.join(top, n), "w").close()
pos = libc.telldir(d)
rest = read(d, 1 << 20)
libc.seekdir(d, pos)
again = read(d, 1 << 20)
libc.closedir(d)
seen = first + rest
kept = before - removed - {".", ".."}
twice = sorted(n for n in set(seen) if seen.count(n) > 1)
missing = sorted(kept - set(seen))
if twice or missing or rest != again or pos <= 0:
    sys.exit("twice %s missing %s seekdir-same %s telldir %d" % (twice[:5], missing[:5], rest == again, pos))
after = set(os.listdir(top))
if after != (before - removed) | made:
    sys.exit("a new listing is not the directory: %d names" % len(after))
print("ok", len(kept))
