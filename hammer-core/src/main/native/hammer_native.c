/*
 * hammer's native library: LMDB's C interface bound through JNI, and the few system calls the JDK
 * does not offer (fallocate, a FileDescriptor for a numbered descriptor, a chained fault handler).
 *
 * Values come back as direct ByteBuffers that point into LMDB's map: each cursor and transaction
 * owns one or two buffer objects, and a call re-points them (address, capacity, limit, position,
 * mark) instead of allocating. JNI may set these fields whatever the module system says, so no
 * JVM option is needed. Every call that can fail throws org.hammer.core.lmdb.LmdbException with
 * LMDB's return code; MDB_NOTFOUND is a false return, not an exception.
 *
 * LMDB's commit writes its dirty pages through writev(2) in pieces of at most 512 KiB (see
 * pieces_writev below).
 *
 * At its end, the mount's FUSE over io_uring transport (org.hammer.cli.fuse.kernel.Ring): one
 * io_uring per serving thread, each with one ring entry of the kernel's FUSE queue of a CPU.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <sys/syscall.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "org_hammer_core_lmdb_Native.h"

/* ---- LMDB's interface (lmdb.h, LMDB 0.9), as far as it is used here ---- */
typedef struct MDB_env MDB_env;
typedef struct MDB_txn MDB_txn;
typedef struct MDB_cursor MDB_cursor;
typedef unsigned int MDB_dbi;
typedef struct MDB_val {
    size_t mv_size;
    void *mv_data;
} MDB_val;
typedef struct MDB_stat {
    unsigned int ms_psize;
    unsigned int ms_depth;
    size_t ms_branch_pages;
    size_t ms_leaf_pages;
    size_t ms_overflow_pages;
    size_t ms_entries;
} MDB_stat;
typedef struct MDB_envinfo {
    void *me_mapaddr;
    size_t me_mapsize;
    size_t me_last_pgno;
    size_t me_last_txnid;
    unsigned int me_maxreaders;
    unsigned int me_numreaders;
} MDB_envinfo;
typedef void MDB_assert_func(MDB_env *env, const char *msg);

#define MDB_RDONLY 0x20000
#define MDB_RESERVE 0x10000
#define MDB_NOTFOUND (-30798)
#define MDB_CORRUPTED (-30796)

int mdb_env_create(MDB_env **env);
int mdb_env_open(MDB_env *env, const char *path, unsigned int flags, mode_t mode);
void mdb_env_close(MDB_env *env);
int mdb_env_set_mapsize(MDB_env *env, size_t size);
int mdb_env_get_fd(MDB_env *env, int *fd);
int mdb_env_set_maxreaders(MDB_env *env, unsigned int readers);
int mdb_env_set_maxdbs(MDB_env *env, MDB_dbi dbs);
int mdb_env_set_assert(MDB_env *env, MDB_assert_func *func);
int mdb_env_sync(MDB_env *env, int force);
int mdb_env_stat(MDB_env *env, MDB_stat *stat);
int mdb_env_info(MDB_env *env, MDB_envinfo *info);
int mdb_reader_check(MDB_env *env, int *dead);
typedef int (MDB_msg_func)(const char *msg, void *ctx);
int mdb_reader_list(MDB_env *env, MDB_msg_func *func, void *ctx);
int mdb_txn_begin(MDB_env *env, MDB_txn *parent, unsigned int flags, MDB_txn **txn);
size_t mdb_txn_id(MDB_txn *txn);
int mdb_txn_commit(MDB_txn *txn);
void mdb_txn_abort(MDB_txn *txn);
void mdb_txn_reset(MDB_txn *txn);
int mdb_txn_renew(MDB_txn *txn);
int mdb_cursor_renew(MDB_txn *txn, MDB_cursor *cursor);
int mdb_dbi_open(MDB_txn *txn, const char *name, unsigned int flags, MDB_dbi *dbi);
int mdb_dbi_flags(MDB_txn *txn, MDB_dbi dbi, unsigned int *flags);
int mdb_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data);
int mdb_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data, unsigned int flags);
int mdb_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data);
int mdb_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cursor);
void mdb_cursor_close(MDB_cursor *cursor);
int mdb_cursor_get(MDB_cursor *cursor, MDB_val *key, MDB_val *data, int op);
char *mdb_strerror(int err);

/* ---- LMDB's writes, in pieces, and its large values past the page cache ----
 *
 * At commit LMDB writes its dirty pages with writev(2), gathering up to 64 contiguous runs per call
 * (its compile-time MDB_COMMIT_PAGES), or with pwrite(2) when a run stands alone. A 64 KiB block is
 * an overflow run of 17 pages, so each call wrote 4.4 MB, and on the kernels measured
 * (bench/PROFILE.md §2, "LMDB writes 4.4 MB at a time") a call that large costs the kernel two to
 * four times the CPU per byte of calls of 1 MiB or less (2 MiB calls were as slow as LMDB's; 256 KiB
 * to 1 MiB equally fast, 512 KiB a little ahead). LMDB has no setting for it, so liblmdb.so's writev
 * and pwrite slots (its PLT entries, resolved through the GOT) are pointed at lmdb_writev and
 * lmdb_pwrite, which make the same writes: the bytes, their order and their offsets in the file
 * are LMDB's.
 *
 * How they are written:
 * - A stretch of consecutive overflow runs of at least DIRECT_RUN bytes each (the blocks of
 *   large files), with the single pages between them, that makes DIRECT_MIN bytes or more is
 *   written with O_DIRECT, through a second descriptor of the same file, from a per-thread
 *   aligned buffer of BOUNCE bytes that the runs are copied into (LMDB's pages come from
 *   malloc, aligned to 16 bytes; taking them as they are, with LMDB's large allocations
 *   aligned, measured the same). Copying a large value into fresh page-cache pages was most of
 *   a large copy's CPU (1.2 s per GiB on the virtual machines measured, PROFILE.md §2 "What 8
 *   GiB costs"), and nobody reads those pages soon: a copy writes them once. The kernel keeps
 *   the map coherent (it writes back and drops any cached page of the range around a direct
 *   write), the commit's fdatasync still follows (it flushes the file's metadata and the disk's
 *   cache), and a file system that refuses O_DIRECT (EINVAL) gets the write through the page
 *   cache instead, that time and after.
 * - The leaves between a stretch's runs (the keys of its values) go with it, then are written
 *   again through the page cache, where the next transaction reads them: left out of the page
 *   cache they were read back from the disk (a mirror-copy 0.6 s slower per GiB), and cutting
 *   the stretches at each leaf left an eighth of the large values in the page cache, half of an
 *   8 GiB mirror-copy's system time.
 * - Everything else (branch pages, leaves elsewhere, small values) goes through the page cache
 *   in calls of at most WRITE_PIECE bytes, each piece's writeback started as it goes (the
 *   commit's fdatasync then waits for less: a 1 GiB cpdup 1.79 → 1.68 s, a mirror-copy 2.59 →
 *   2.02 s, medians of 5).
 * Native.directWrites(false) keeps every write in the page cache: what the Java side sets as the
 * library loads when HAMMER_LMDB_DIRECT=0, and when a process prefers it (Env.preferDirectWrites).
 */
#define WRITE_PIECE (512 << 10)
#define DIRECT_RUN (64 << 10)
/* Stretches as small as 256 KiB (when a leaf still cut them) took a 1 GiB cpdup from 0.79 to 1.3 s:
 * the cached leaves beside them are written back and dropped around each direct write. */
#define DIRECT_MIN (1 << 20)
#define DIRECT_BETWEEN (8 << 10)  /* the most a run between two large ones may hold and go with them */
#define BOUNCE (1 << 20)
#define P_OVERFLOW 0x04       /* LMDB 0.9's page header: mp_flags, a uint16_t at offset 10 */
#define PAGE_FLAGS_AT 10
#define DIRECT_FILES 32

/* Counted for tests: calls, calls that were split, the pieces written, the largest piece; then
 * the direct writes, their bytes, the stretches a file system refused to take direct and the
 * leaves written again through the page cache. */
static long writevCalls, writevSplit, writevPieces, writevLargest;
static long directWrites, directBytes, directRefused, directRecached;
static int writevHooked, pwriteHooked;
static int directOn = 1;

/*
 * The O_DIRECT twins of LMDB's descriptors, by descriptor and file: one to write (large values at
 * commit) and one to read (large values not in the page cache, ColdValues), each opened on first
 * use. The twins are closed with their environment (direct_forget), or when the descriptor is found
 * naming another file (an environment closed some other way): LMDB's environment, the only user of
 * them, is then closed, so no thread is using them. With all slots taken, a new file's writes and
 * reads go through the page cache.
 */
#define TWIN_UNOPENED (-2)
static struct direct_file {
    int fd;
    dev_t dev;
    ino_t ino;
    int dfd;        /* to write; -1: the file system refused O_DIRECT */
    int refused;    /* a direct write was refused (EINVAL): dfd open but not used */
    int rfd;        /* to read; -1: refused */
} directFiles[DIRECT_FILES];
static int directCount;
static pthread_mutex_t directLock = PTHREAD_MUTEX_INITIALIZER;

static void twins_close(struct direct_file *f) {
    if (f->dfd >= 0) close(f->dfd);
    if (f->rfd >= 0) close(f->rfd);
}

/* fd's twin to write (reading 0) or to read (reading 1), opened on first use; -1 when there is none
 * (refused, or all slots taken). */
static int twin_fd(int fd, int reading) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    pthread_mutex_lock(&directLock);
    int slot = -1, twin = -1;
    for (int k = 0; k < directCount && slot < 0; k++) {
        if (directFiles[k].fd == fd) slot = k;
    }
    if (slot >= 0 && (directFiles[slot].dev != st.st_dev || directFiles[slot].ino != st.st_ino)) {
        twins_close(&directFiles[slot]); /* fd names another file now: nobody uses the old twins */
        directFiles[slot] = (struct direct_file) { fd, st.st_dev, st.st_ino, TWIN_UNOPENED, 0, TWIN_UNOPENED };
    } else if (slot < 0 && directCount < DIRECT_FILES) {
        slot = directCount++;
        directFiles[slot] = (struct direct_file) { fd, st.st_dev, st.st_ino, TWIN_UNOPENED, 0, TWIN_UNOPENED };
    }
    if (slot >= 0) {
        struct direct_file *f = &directFiles[slot];
        int *t = reading ? &f->rfd : &f->dfd;
        if (*t == TWIN_UNOPENED) {
            char path[64];
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            *t = open(path, (reading ? O_RDONLY : O_WRONLY) | O_DIRECT | O_CLOEXEC);
        }
        twin = reading || !f->refused ? *t : -1;
    }
    pthread_mutex_unlock(&directLock);
    return twin;
}

static int direct_fd(int fd) {
    return twin_fd(fd, 0);
}

/*
 * LMDB's environment on fd is being closed (no transaction is running in it): its twins go too,
 * so that nothing holds the file open once the store is closed (a file system can be unmounted,
 * a deleted store's room is given back).
 */
static void direct_forget(int fd) {
    pthread_mutex_lock(&directLock);
    for (int k = 0; k < directCount; k++) {
        if (directFiles[k].fd == fd) {
            twins_close(&directFiles[k]);
            directFiles[k] = directFiles[--directCount];
            break;
        }
    }
    pthread_mutex_unlock(&directLock);
}

/* fd's file took a direct write badly (EINVAL): its writes stay in the page cache from now on. */
static void direct_refused(int fd) {
    __atomic_fetch_add(&directRefused, 1, __ATOMIC_RELAXED);
    pthread_mutex_lock(&directLock);
    for (int k = 0; k < directCount; k++) {
        if (directFiles[k].fd == fd) {
            /* kept open until the slot is taken over (a closed number could be reused under a
             * writer); not used again */
            directFiles[k].refused = 1;
        }
    }
    pthread_mutex_unlock(&directLock);
}

/* Each thread's aligned buffer for direct writes, made on its first one, unmapped when it ends. */
static pthread_key_t bounceKey;
static pthread_once_t bounceOnce = PTHREAD_ONCE_INIT;
static int bounceKeyMade;

static void bounce_free(void *p) {
    munmap(p, BOUNCE);
}

static void bounce_key(void) {
    bounceKeyMade = pthread_key_create(&bounceKey, bounce_free) == 0;
}

static char *bounce(void) {
    pthread_once(&bounceOnce, bounce_key);
    if (!bounceKeyMade) return NULL;
    char *b = pthread_getspecific(bounceKey);
    if (b == NULL) {
        void *p = mmap(NULL, BOUNCE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return NULL;
        if (pthread_setspecific(bounceKey, p) != 0) {
            munmap(p, BOUNCE);
            return NULL;
        }
        b = p;
    }
    return b;
}

/* Whether run iov is an overflow run (a large value's pages) long enough to go direct. */
static int direct_run(const struct iovec *v) {
    if (v->iov_len < DIRECT_RUN) return 0;
    uint16_t flags;
    memcpy(&flags, (const char *) v->iov_base + PAGE_FLAGS_AT, sizeof flags);
    return (flags & P_OVERFLOW) != 0;
}

/*
 * The end of the direct stretch that starts at iov[i], or i when none starts there. A stretch
 * starts and ends with large overflow runs; the single pages LMDB puts between them (the leaves
 * that hold the values' keys) go with it rather than cut it short, and are written again through
 * the page cache after it (write_pages), where the next transaction reads them.
 */
static int direct_stretch(const struct iovec *iov, int n, int i) {
    if (i >= n || !direct_run(&iov[i])) return i;
    size_t size = 0, sizeAtEnd = 0;
    int j = i, end = i;
    while (j < n && (direct_run(&iov[j]) || iov[j].iov_len <= DIRECT_BETWEEN)) {
        size += iov[j].iov_len;
        if (direct_run(&iov[j++])) {
            end = j;
            sizeAtEnd = size;
        }
    }
    return sizeAtEnd >= DIRECT_MIN ? end : i;
}

/*
 * Writes iov[0, n) at `at` through dfd: the bytes written, -1 with errno, -2 when the file
 * system refused the first write (EINVAL), -3 when there was no buffer for it; nothing was written
 * in the last two cases.
 */
static ssize_t write_direct(int dfd, const struct iovec *iov, int n, off_t at) {
    char *b = bounce();
    if (b == NULL) return -3;
    ssize_t total = 0;
    int k = 0;
    size_t off = 0;
    while (k < n) {
        size_t fill = 0;
        while (k < n && fill < BOUNCE) {
            size_t c = iov[k].iov_len - off;
            if (c > BOUNCE - fill) c = BOUNCE - fill;
            memcpy(b + fill, (const char *) iov[k].iov_base + off, c);
            fill += c;
            off += c;
            if (off == iov[k].iov_len) {
                k++;
                off = 0;
            }
        }
        size_t done = 0;
        while (done < fill) {
            ssize_t w = pwrite(dfd, b + done, fill - done, at + total + (off_t) done);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return errno == EINVAL && total == 0 && done == 0 ? -2 : -1;
            if (w == 0) {
                errno = EIO;
                return -1;
            }
            done += (size_t) w;
        }
        __atomic_fetch_add(&directWrites, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&directBytes, (long) fill, __ATOMIC_RELAXED);
        total += (ssize_t) fill;
    }
    return total;
}

/* Writes iov[0, n) at `at` through the page cache in pieces: the bytes written (short when the
 * file system wrote less) or -1 with errno. A signal before a piece wrote anything retries it. */
static ssize_t write_buffered(int fd, const struct iovec *iov, int n, off_t at) {
    ssize_t total = 0;
    int i = 0;
    while (i < n) {
        size_t size = 0;
        int j = i;
        while (j < n && (j == i || size + iov[j].iov_len <= WRITE_PIECE)) {
            size += iov[j++].iov_len;
        }
        ssize_t w;
        do {
            w = pwritev(fd, iov + i, j - i, at + total);
        } while (w < 0 && errno == EINTR);
        if (w < 0) return -1;
        __atomic_fetch_add(&writevPieces, 1, __ATOMIC_RELAXED);
        long largest = __atomic_load_n(&writevLargest, __ATOMIC_RELAXED);
        while ((long) w > largest && !__atomic_compare_exchange_n(&writevLargest, &largest, (long) w, 0,
                __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
        /* Starts the piece's writeback now, so that LMDB's fdatasync after the last piece waits
         * for less: only a hint, whose errors that fdatasync reports. */
        sync_file_range(fd, at + total, w, SYNC_FILE_RANGE_WRITE);
        total += w;
        if ((size_t) w < size) return total;
        i = j;
    }
    return total;
}

/*
 * LMDB's pages iov[0, n), for the file offset `at` of descriptor fd: written as above. Returns
 * what writev would: every byte's count, a short count when the file system wrote less (LMDB then
 * fails the commit), or -1 with errno (ENOSPC, EIO: LMDB reports it).
 */
static ssize_t write_pages(int fd, const struct iovec *iov, int n, off_t at) {
    int direct = __atomic_load_n(&directOn, __ATOMIC_RELAXED);
    int dfd = -2;  /* fd's twin, looked up at the first stretch */
    ssize_t total = 0;
    int i = 0;
    while (i < n) {
        int j = direct ? direct_stretch(iov, n, i) : i;
        if (j > i) {
            if (dfd == -2) dfd = direct_fd(fd);
            ssize_t w = dfd >= 0 ? write_direct(dfd, iov + i, j - i, at + total) : -3;
            if (w == -1) return -1;
            if (w >= 0) {
                /* The leaves that went with the stretch, again through the page cache: the direct
                 * write dropped them from it, and the next transaction reads them. */
                off_t o = at + total;
                for (int k = i; k < j; o += (off_t) iov[k++].iov_len) {
                    if (direct_run(&iov[k])) continue;
                    ssize_t r;
                    do {
                        r = pwrite(fd, iov[k].iov_base, iov[k].iov_len, o);
                    } while (r < 0 && errno == EINTR);
                    if (r < 0) return -1;
                    __atomic_fetch_add(&directRecached, 1, __ATOMIC_RELAXED);
                }
                total += w;
                i = j;
                continue;
            }
            if (w == -2) {
                direct_refused(fd);
                dfd = -1;
            }
        } else if (!direct) {
            j = n;
        } else {
            /* through the page cache up to where the next stretch starts */
            for (j = i + 1; j < n && direct_stretch(iov, n, j) == j; j++) {
            }
        }
        size_t size = 0;
        for (int k = i; k < j; k++) size += iov[k].iov_len;
        ssize_t w = write_buffered(fd, iov + i, j - i, at + total);
        if (w < 0) return -1;
        total += w;
        if ((size_t) w < size) return total;
        i = j;
    }
    return total;
}

/* writev(2) as LMDB calls it: on its data file, whose offset it has just set. */
static ssize_t lmdb_writev(int fd, const struct iovec *iov, int n) {
    __atomic_fetch_add(&writevCalls, 1, __ATOMIC_RELAXED);
    size_t size = 0;
    for (int k = 0; k < n; k++) size += iov[k].iov_len;
    if (size > WRITE_PIECE) __atomic_fetch_add(&writevSplit, 1, __ATOMIC_RELAXED);
    off_t at = lseek(fd, 0, SEEK_CUR);
    if (at < 0) return writev(fd, iov, n);
    ssize_t w = write_pages(fd, iov, n, at);
    if (w > 0) lseek(fd, at + w, SEEK_SET);
    return w;
}

/* pwrite(2) as LMDB calls it: a run of pages that stands alone, or a meta page (left as it is). */
static ssize_t lmdb_pwrite(int fd, const void *buf, size_t size, off_t at) {
    if (size < DIRECT_MIN) return pwrite(fd, buf, size, at);
    struct iovec v = { (void *) buf, size };
    return write_pages(fd, &v, 1, at);
}

#if defined(__x86_64__)
#define SLOT_TYPE(t) ((t) == R_X86_64_JUMP_SLOT || (t) == R_X86_64_GLOB_DAT)
#elif defined(__aarch64__)
#define SLOT_TYPE(t) ((t) == R_AARCH64_JUMP_SLOT || (t) == R_AARCH64_GLOB_DAT)
#endif

#ifdef SLOT_TYPE
/* A dynamic-section address: the loader relocates them in place unless the section is read-only. */
static uintptr_t dyn_address(const struct link_map *m, ElfW(Addr) a) {
    return a < m->l_addr ? (uintptr_t) (m->l_addr + a) : (uintptr_t) a;
}

/* The part of object m that is read-only after relocation (PT_GNU_RELRO), if it has one. */
struct relro {
    const struct link_map *m;
    uintptr_t start, end;
};

static int find_relro(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    struct relro *r = data;
    if (info->dlpi_addr != r->m->l_addr) return 0;
    for (int k = 0; k < info->dlpi_phnum; k++) {
        if (info->dlpi_phdr[k].p_type == PT_GNU_RELRO) {
            r->start = info->dlpi_addr + info->dlpi_phdr[k].p_vaddr;
            r->end = r->start + info->dlpi_phdr[k].p_memsz;
        }
    }
    return 1;
}

/* Points the GOT slots of symbol `name` in relocation table rel[0, size) of r.m at `to`; how many. */
static int repoint(struct relro r, const ElfW(Rela) *rel, size_t size, const ElfW(Sym) *symtab,
        const char *strtab, const char *name, void *to) {
    const struct link_map *m = r.m;
    int done = 0;
    long page = sysconf(_SC_PAGESIZE);
    for (size_t k = 0; rel != NULL && k < size / sizeof *rel; k++) {
        if (!SLOT_TYPE(ELF64_R_TYPE(rel[k].r_info))) continue;
        const ElfW(Sym) *sym = &symtab[ELF64_R_SYM(rel[k].r_info)];
        if (strcmp(strtab + sym->st_name, name) != 0) continue;
        void **slot = (void **) (m->l_addr + rel[k].r_offset);
        void *start = (void *) ((uintptr_t) slot & ~(uintptr_t) (page - 1));
        /* In the part made read-only after relocation, the page is opened for the store and closed again. */
        int relro = (uintptr_t) slot >= r.start && (uintptr_t) slot < r.end;
        if (relro && mprotect(start, (size_t) page, PROT_READ | PROT_WRITE) != 0) continue;
        __atomic_store_n(slot, to, __ATOMIC_RELEASE);
        if (relro) mprotect(start, (size_t) page, PROT_READ);
        done++;
    }
    return done;
}
#endif

/* Sends liblmdb.so's writev and pwrite calls to lmdb_writev and lmdb_pwrite; without it LMDB's own
 * calls stand. */
static void hook_lmdb_writev(void) {
#ifdef SLOT_TYPE
    Dl_info info;
    struct link_map *m = NULL;
    if (!dladdr1((void *) mdb_env_create, &info, (void **) &m, RTLD_DL_LINKMAP) || m == NULL || m->l_ld == NULL) {
        return;
    }
    const ElfW(Sym) *symtab = NULL;
    const char *strtab = NULL;
    const ElfW(Rela) *jmprel = NULL, *rela = NULL;
    size_t jmprelSize = 0, relaSize = 0;
    int pltRela = 1;
    for (const ElfW(Dyn) *d = m->l_ld; d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_SYMTAB: symtab = (const ElfW(Sym) *) dyn_address(m, d->d_un.d_ptr); break;
        case DT_STRTAB: strtab = (const char *) dyn_address(m, d->d_un.d_ptr); break;
        case DT_JMPREL: jmprel = (const ElfW(Rela) *) dyn_address(m, d->d_un.d_ptr); break;
        case DT_PLTRELSZ: jmprelSize = d->d_un.d_val; break;
        case DT_PLTREL: pltRela = d->d_un.d_val == DT_RELA; break;
        case DT_RELA: rela = (const ElfW(Rela) *) dyn_address(m, d->d_un.d_ptr); break;
        case DT_RELASZ: relaSize = d->d_un.d_val; break;
        default: break;
        }
    }
    if (symtab == NULL || strtab == NULL || !pltRela) {
        return;
    }
    struct relro r = { m, 0, 0 };
    dl_iterate_phdr(find_relro, &r);
    writevHooked = repoint(r, jmprel, jmprelSize, symtab, strtab, "writev", (void *) lmdb_writev)
            + repoint(r, rela, relaSize, symtab, strtab, "writev", (void *) lmdb_writev) > 0;
    pwriteHooked = repoint(r, jmprel, jmprelSize, symtab, strtab, "pwrite", (void *) lmdb_pwrite)
            + repoint(r, rela, relaSize, symtab, strtab, "pwrite", (void *) lmdb_pwrite) > 0;
#endif
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_writeStats(JNIEnv *e, jclass c, jlongArray out) {
    (void) c;
    jlong v[12] = { writevHooked, writevCalls, writevSplit, writevPieces, writevLargest, WRITE_PIECE,
            pwriteHooked && writevHooked && directOn, directWrites, directBytes, directRefused, DIRECT_MIN,
            directRecached };
    (*e)->SetLongArrayRegion(e, out, 0, 12, v);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_directWrites(JNIEnv *e, jclass c, jboolean on) {
    (void) e;
    (void) c;
    __atomic_store_n(&directOn, on ? 1 : 0, __ATOMIC_RELAXED);
}

/* ---- what JNI_OnLoad looks up once ---- */
static JavaVM *vm;
static jclass exceptionClass;    /* org.hammer.core.lmdb.LmdbException */
static jmethodID exceptionInit;  /* (ILjava/lang/String;)V */
static jclass nativeClass;       /* org.hammer.core.lmdb.Native */
static jmethodID assertFailed;   /* static (JLjava/lang/String;)V */
static jmethodID faulted;        /* static (IJ)V */
static jclass fdClass;           /* java.io.FileDescriptor */
static jmethodID fdInit;
static jfieldID fdField;
static jfieldID bufAddress, bufCapacity, bufLimit, bufPosition, bufMark;
static char emptyByte;

#define PTR(x) ((void *) (intptr_t) (x))
#define HANDLE(x) ((jlong) (intptr_t) (x))

static jint version(void) { return JNI_VERSION_1_8; }

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *jvm, void *reserved) {
    (void) reserved;
    JNIEnv *e;
    vm = jvm;
    if ((*jvm)->GetEnv(jvm, (void **) &e, version()) != JNI_OK) {
        return JNI_ERR;
    }
    jclass c = (*e)->FindClass(e, "org/hammer/core/lmdb/LmdbException");
    if (c == NULL) return JNI_ERR;
    exceptionClass = (*e)->NewGlobalRef(e, c);
    exceptionInit = (*e)->GetMethodID(e, c, "<init>", "(ILjava/lang/String;)V");
    c = (*e)->FindClass(e, "org/hammer/core/lmdb/Native");
    if (c == NULL) return JNI_ERR;
    nativeClass = (*e)->NewGlobalRef(e, c);
    assertFailed = (*e)->GetStaticMethodID(e, c, "assertFailed", "(JLjava/lang/String;)V");
    faulted = (*e)->GetStaticMethodID(e, c, "faulted", "(IJ)V");
    c = (*e)->FindClass(e, "java/io/FileDescriptor");
    if (c == NULL) return JNI_ERR;
    fdClass = (*e)->NewGlobalRef(e, c);
    fdInit = (*e)->GetMethodID(e, c, "<init>", "()V");
    fdField = (*e)->GetFieldID(e, c, "fd", "I");
    c = (*e)->FindClass(e, "java/nio/Buffer");
    if (c == NULL) return JNI_ERR;
    bufAddress = (*e)->GetFieldID(e, c, "address", "J");
    bufCapacity = (*e)->GetFieldID(e, c, "capacity", "I");
    bufLimit = (*e)->GetFieldID(e, c, "limit", "I");
    bufPosition = (*e)->GetFieldID(e, c, "position", "I");
    bufMark = (*e)->GetFieldID(e, c, "mark", "I");
    if (exceptionInit == NULL || assertFailed == NULL || faulted == NULL || fdInit == NULL || fdField == NULL
            || bufAddress == NULL || bufCapacity == NULL || bufLimit == NULL || bufPosition == NULL
            || bufMark == NULL) {
        return JNI_ERR;
    }
    hook_lmdb_writev();
    return version();
}

/* Throws LmdbException(rc, message); returns 0 for the caller's convenience. */
static int fail(JNIEnv *e, int rc, const char *message) {
    if ((*e)->ExceptionCheck(e)) {
        return 0;
    }
    jstring m = (*e)->NewStringUTF(e, message != NULL ? message : mdb_strerror(rc));
    if (m == NULL) {
        return 0;
    }
    jobject x = (*e)->NewObject(e, exceptionClass, exceptionInit, (jint) rc, m);
    if (x != NULL) {
        (*e)->Throw(e, (jthrowable) x);
    }
    return 0;
}

/* Points buffer b at v's bytes: position 0, limit and capacity the size. */
static int point(JNIEnv *e, jobject b, const MDB_val *v) {
    if (v->mv_size > INT_MAX) {
        return fail(e, MDB_CORRUPTED, "a value of impossible size (a damaged page)");
    }
    (*e)->SetLongField(e, b, bufAddress, HANDLE(v->mv_data));
    (*e)->SetIntField(e, b, bufCapacity, (jint) v->mv_size);
    (*e)->SetIntField(e, b, bufLimit, (jint) v->mv_size);
    (*e)->SetIntField(e, b, bufPosition, 0);
    (*e)->SetIntField(e, b, bufMark, -1);
    return 1;
}

/* v = the bytes of direct buffer b from pos, len of them. */
static int bytes(JNIEnv *e, jobject b, jint pos, jint len, MDB_val *v) {
    char *a = b == NULL ? NULL : (*e)->GetDirectBufferAddress(e, b);
    if (a == NULL) {
        jclass c = (*e)->FindClass(e, "java/lang/IllegalArgumentException");
        if (c != NULL) (*e)->ThrowNew(e, c, "LMDB takes direct buffers only");
        return 0;
    }
    v->mv_data = a + pos;
    v->mv_size = (size_t) len;
    return 1;
}

JNIEXPORT jobject JNICALL Java_org_hammer_core_lmdb_Native_emptyBuffer(JNIEnv *e, jclass c) {
    (void) c;
    return (*e)->NewDirectByteBuffer(e, &emptyByte, 0);
}

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_address(JNIEnv *e, jclass c, jobject b) {
    (void) c;
    return HANDLE((*e)->GetDirectBufferAddress(e, b));
}

static void on_assert(MDB_env *env, const char *msg) {
    JNIEnv *e;
    if ((*vm)->GetEnv(vm, (void **) &e, version()) != JNI_OK) {
        return; /* not a Java thread: LMDB aborts */
    }
    (*e)->ExceptionClear(e);
    jstring m = (*e)->NewStringUTF(e, msg);
    (*e)->CallStaticVoidMethod(e, nativeClass, assertFailed, HANDLE(env), m);
}

/* ---- environments ---- */

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_envOpen(JNIEnv *e, jclass c, jstring path, jlong mapSize,
        jint maxDbs, jint maxReaders, jint flags, jint mode) {
    (void) c;
    MDB_env *env;
    int rc = mdb_env_create(&env);
    if (rc) return fail(e, rc, NULL);
    mdb_env_set_assert(env, on_assert);
    if ((rc = mdb_env_set_mapsize(env, (size_t) mapSize)) || (rc = mdb_env_set_maxdbs(env, (MDB_dbi) maxDbs))
            || (rc = mdb_env_set_maxreaders(env, (unsigned int) maxReaders))) {
        mdb_env_close(env);
        return fail(e, rc, NULL);
    }
    const char *p = (*e)->GetStringUTFChars(e, path, NULL);
    if (p == NULL) {
        mdb_env_close(env);
        return 0;
    }
    rc = mdb_env_open(env, p, (unsigned int) flags, (mode_t) mode);
    (*e)->ReleaseStringUTFChars(e, path, p);
    if (rc) {
        mdb_env_close(env);
        return fail(e, rc, NULL);
    }
    return HANDLE(env);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_envClose(JNIEnv *e, jclass c, jlong env) {
    (void) e; (void) c;
    int fd;
    if (mdb_env_get_fd(PTR(env), &fd) == 0) direct_forget(fd);
    mdb_env_close(PTR(env));
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_envSync(JNIEnv *e, jclass c, jlong env, jboolean force) {
    (void) c;
    int rc = mdb_env_sync(PTR(env), force ? 1 : 0);
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_envPageSize(JNIEnv *e, jclass c, jlong env) {
    (void) c;
    MDB_stat s;
    int rc = mdb_env_stat(PTR(env), &s);
    return rc ? fail(e, rc, NULL) : (jint) s.ms_psize;
}

/* out: map address, map size, last page number, last transaction id, max readers, readers. */
JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_envInfo(JNIEnv *e, jclass c, jlong env, jlongArray out) {
    (void) c;
    MDB_envinfo i;
    int rc = mdb_env_info(PTR(env), &i);
    if (rc) {
        fail(e, rc, NULL);
        return;
    }
    jlong v[6] = {HANDLE(i.me_mapaddr), (jlong) i.me_mapsize, (jlong) i.me_last_pgno, (jlong) i.me_last_txnid,
                  (jlong) i.me_maxreaders, (jlong) i.me_numreaders};
    (*e)->SetLongArrayRegion(e, out, 0, 6, v);
}

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_readerCheck(JNIEnv *e, jclass c, jlong env) {
    (void) c;
    int dead = 0;
    int rc = mdb_reader_check(PTR(env), &dead);
    return rc ? fail(e, rc, NULL) : dead;
}

/*
 * The oldest snapshot a reader of the environment holds, in any process: the least transaction id
 * in LMDB's reader table (a free-list entry of an older commit may be reused), or 0 when no reader
 * holds one. mdb_reader_list is LMDB's only public view of that table: a line per reader,
 * "pid thread txnid", the txnid "-" for a reader between snapshots.
 */
static int oldest_reader_line(const char *msg, void *ctx) {
    unsigned long long *oldest = ctx;
    int pid;
    unsigned long long thread, txnid;
    if (sscanf(msg, "%d %llx %llu", &pid, &thread, &txnid) == 3 && (*oldest == 0 || txnid < *oldest)) {
        *oldest = txnid;
    }
    return 0;
}

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_oldestReader(JNIEnv *e, jclass c, jlong env) {
    (void) c;
    unsigned long long oldest = 0;
    int rc = mdb_reader_list(PTR(env), oldest_reader_line, &oldest);
    return rc < 0 ? fail(e, EINVAL, NULL) : (jlong) oldest;
}

/* ---- transactions ---- */

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_txnBegin(JNIEnv *e, jclass c, jlong env, jboolean readOnly) {
    (void) c;
    MDB_txn *txn;
    int rc = mdb_txn_begin(PTR(env), NULL, readOnly ? MDB_RDONLY : 0, &txn);
    return rc ? fail(e, rc, NULL) : HANDLE(txn);
}

/* A read-only transaction's snapshot let go, its reader slot and memory kept for mdb_txn_renew. */
JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_txnReset(JNIEnv *e, jclass c, jlong txn) {
    (void) e; (void) c;
    mdb_txn_reset(PTR(txn));
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_txnRenew(JNIEnv *e, jclass c, jlong txn) {
    (void) c;
    int rc = mdb_txn_renew(PTR(txn));
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_txnId(JNIEnv *e, jclass c, jlong txn) {
    (void) e; (void) c;
    return (jlong) mdb_txn_id(PTR(txn));
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_txnCommit(JNIEnv *e, jclass c, jlong txn) {
    (void) c;
    int rc = mdb_txn_commit(PTR(txn));
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_txnAbort(JNIEnv *e, jclass c, jlong txn) {
    (void) e; (void) c;
    mdb_txn_abort(PTR(txn));
}

/* ---- tables ---- */

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_dbiOpen(JNIEnv *e, jclass c, jlong txn, jstring name,
        jint flags) {
    (void) c;
    const char *n = (*e)->GetStringUTFChars(e, name, NULL);
    if (n == NULL) return 0;
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(PTR(txn), n, (unsigned int) flags, &dbi);
    (*e)->ReleaseStringUTFChars(e, name, n);
    return rc ? fail(e, rc, NULL) : (jint) dbi;
}

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_dbiFlags(JNIEnv *e, jclass c, jlong txn, jint dbi) {
    (void) c;
    unsigned int f = 0;
    int rc = mdb_dbi_flags(PTR(txn), (MDB_dbi) dbi, &f);
    return rc ? fail(e, rc, NULL) : (jint) f;
}

JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_get(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen, jobject out) {
    (void) c;
    MDB_val k, v;
    if (!bytes(e, key, kpos, klen, &k)) return JNI_FALSE;
    int rc = mdb_get(PTR(txn), (MDB_dbi) dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return JNI_FALSE;
    if (rc) return (jboolean) fail(e, rc, NULL);
    return (jboolean) point(e, out, &v);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_put(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen, jobject val, jint vpos, jint vlen, jint flags) {
    (void) c;
    MDB_val k, v;
    if (!bytes(e, key, kpos, klen, &k) || !bytes(e, val, vpos, vlen, &v)) return;
    int rc = mdb_put(PTR(txn), (MDB_dbi) dbi, &k, &v, (unsigned int) flags);
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_reserve(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen, jint size, jint flags, jobject out) {
    (void) c;
    MDB_val k, v;
    if (!bytes(e, key, kpos, klen, &k)) return;
    v.mv_size = (size_t) size;
    v.mv_data = NULL;
    int rc = mdb_put(PTR(txn), (MDB_dbi) dbi, &k, &v, (unsigned int) flags | MDB_RESERVE);
    if (rc) {
        fail(e, rc, NULL);
        return;
    }
    point(e, out, &v);
}

JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_del(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen) {
    (void) c;
    MDB_val k;
    if (!bytes(e, key, kpos, klen, &k)) return JNI_FALSE;
    int rc = mdb_del(PTR(txn), (MDB_dbi) dbi, &k, NULL);
    if (rc == MDB_NOTFOUND) return JNI_FALSE;
    if (rc) return (jboolean) fail(e, rc, NULL);
    return JNI_TRUE;
}

/* ---- cursors ---- */

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_cursorOpen(JNIEnv *e, jclass c, jlong txn, jint dbi) {
    (void) c;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(PTR(txn), (MDB_dbi) dbi, &cur);
    return rc ? fail(e, rc, NULL) : HANDLE(cur);
}

/* A read-only cursor of a reset transaction, bound to it again once renewed. */
JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_cursorRenew(JNIEnv *e, jclass c, jlong txn, jlong cur) {
    (void) c;
    int rc = mdb_cursor_renew(PTR(txn), PTR(cur));
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_cursorClose(JNIEnv *e, jclass c, jlong cur) {
    (void) e; (void) c;
    mdb_cursor_close(PTR(cur));
}

/* One cursor operation; key (may be null) is what MDB_SET_RANGE looks for. */
JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_cursorGet(JNIEnv *e, jclass c, jlong cur, jint op,
        jobject key, jint kpos, jint klen, jobject outKey, jobject outVal) {
    (void) c;
    MDB_val k = {0, NULL}, v = {0, NULL};
    if (key != NULL && !bytes(e, key, kpos, klen, &k)) return JNI_FALSE;
    int rc = mdb_cursor_get(PTR(cur), &k, &v, op);
    if (rc == MDB_NOTFOUND) return JNI_FALSE;
    if (rc) return (jboolean) fail(e, rc, NULL);
    return (jboolean) (point(e, outKey, &k) && point(e, outVal, &v));
}

JNIEXPORT jstring JNICALL Java_org_hammer_core_lmdb_Native_strerror(JNIEnv *e, jclass c, jint rc) {
    (void) c;
    return (*e)->NewStringUTF(e, mdb_strerror(rc));
}

/* ---- the path of a search, checked against the branch keys ---- */

/*
 * LMDB checksums no page. A damaged child pointer in a branch page that lands on another valid page
 * sends every search for the lost page's keys there, and what LMDB then reports (a key absent, or
 * a neighbour) is consistent with the wrong pointer. These two functions walk the same path as
 * LMDB's search, through the pages of the committed snapshot in the map (LMDB 0.9's layout, 64-bit,
 * little-endian), and hold every page on it to the range its parent's keys give it: a child i of a
 * branch holds only keys k with key(i) <= k < key(i + 1). LMDB's own searches depend on that
 * invariant, so it holds in every undamaged tree.
 */
#define MAIN_DBI 1
#define PAGE_HEADER 16
#define NODE_HEADER 8
#define P_BRANCH 0x01
#define P_LEAF 0x02
#define P_OVERFLOW 0x04
#define P_META 0x08
#define P_LEAF2 0x20
#define P_SUBP 0x40
#define DB_RECORD 48       /* sizeof(MDB_db) */
#define DB_DEPTH_AT 6      /* md_depth, u16 */
#define DB_ROOT_AT 40      /* md_root, u64 */
#define MAX_DEPTH 32

/* Results of checkPath (Pages.java names them). */
#define PATH_OK 0
#define PATH_BEYOND (-1)   /* a page past the file length given: grown since? ask again */
#define PATH_PAGE 1        /* a page number out of range, or a page whose header names another */
#define PATH_KIND 2        /* not a branch or leaf page, or a leaf above or below the table's depth */
#define PATH_LAYOUT 3      /* a page's node table or a node reaches outside the page */
#define PATH_RANGE 4       /* a page's keys lie outside the range its parent gives it */
#define PATH_LEAF 5        /* the search ends on another leaf than the entry it was asked about */
#define PATH_KEY 6         /* a key of another size than the table's */
#define PATH_FREE 7        /* a page on the free list (Pages.FREE) */

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, sizeof v); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, sizeof v); return v; }

/* LMDB's default order: unsigned bytes, then the shorter first. */
static int keycmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r != 0) return r;
    return an < bn ? -1 : an > bn;
}

/* Key of node i of page p (psize bytes, n nodes, upper its node area's start), or NULL when it
 * does not lie inside the page. */
static const uint8_t *node_key(const uint8_t *p, unsigned psize, unsigned upper, unsigned i, size_t *len) {
    unsigned off = rd16(p + PAGE_HEADER + 2 * i);
    if (off < upper || off + NODE_HEADER > psize) return NULL;
    const uint8_t *node = p + off;
    unsigned k = rd16(node + 6);
    if (off + NODE_HEADER + k > psize) return NULL;
    *len = k;
    return node + NODE_HEADER;
}

/*
 * Whether the n nodes of page p fill its node area exactly: LMDB packs nodes from the end of the
 * page down to upper, each an even number of bytes (header, key, and for a leaf its data or the
 * number of its first overflow page), and closes the gap when one goes. A changed node count,
 * node offset or size does not add up.
 */
static int nodes_fill(const uint8_t *p, unsigned psize, unsigned upper, unsigned n, int isLeaf) {
    unsigned long used = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned off = rd16(p + PAGE_HEADER + 2 * i);
        if (off < upper || off + NODE_HEADER > psize) return 0;
        const uint8_t *node = p + off;
        unsigned long size = NODE_HEADER + rd16(node + 6);
        if (isLeaf) {
            size += (rd16(node + 4) & 0x01) ? 8 : ((unsigned long) rd16(node) | ((unsigned long) rd16(node + 2) << 16));
        }
        size = (size + 1) & ~1UL;
        if (off + size > psize) return 0;
        used += size;
    }
    return used == psize - upper;
}

/* A branch or leaf page's shape, as a search at `level` of a tree `depth` levels deep needs it. */
struct shape {
    int isLeaf;
    unsigned upper, n, first;
};

/* Checks page pgno at p: its own number, its kind at its level, its node table; fills s. */
static int page_shape(const uint8_t *p, uint64_t pgno, unsigned psize, int level, int depth, struct shape *s) {
    if (rd64(p) != pgno) return PATH_PAGE;
    unsigned flags = rd16(p + 10), lower = rd16(p + 12), upper = rd16(p + 14);
    unsigned kind = flags & (P_BRANCH | P_LEAF | P_OVERFLOW | P_META | P_LEAF2 | P_SUBP);
    if (kind != P_BRANCH && kind != P_LEAF) return PATH_KIND;
    s->isLeaf = kind == P_LEAF;
    if (s->isLeaf != (level == depth)) return PATH_KIND;
    if (lower < PAGE_HEADER || lower > upper || upper > psize || (lower & 1)) return PATH_LAYOUT;
    s->upper = upper;
    s->n = (lower - PAGE_HEADER) >> 1;
    s->first = s->isLeaf ? 0 : 1;
    if (s->n < s->first + 1 || !nodes_fill(p, psize, upper, s->n, s->isLeaf)) return PATH_LAYOUT;
    return PATH_OK;
}

/* The root page of table `name` in the snapshot txn reads (out[0], -1 when empty) and its depth
 * (out[1]); false when the main table names no such table (not yet committed). */
/*
 * The record (MDB_db) of table `name` in the main table as txn reads it: 1 and *db set, 0 when
 * there is none (not yet committed), -1 with LmdbException thrown when it cannot be read.
 */
static int table_record(JNIEnv *e, jlong txn, jbyteArray name, const uint8_t **db) {
    jbyte buf[512];
    jsize n = (*e)->GetArrayLength(e, name);
    if (n <= 0 || n > (jsize) sizeof buf) return 0;
    (*e)->GetByteArrayRegion(e, name, 0, n, buf);
    MDB_val k = {(size_t) n, buf}, v;
    int rc = mdb_get(PTR(txn), MAIN_DBI, &k, &v);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return fail(e, rc, NULL) - 1;
    if (v.mv_size != DB_RECORD) return fail(e, MDB_CORRUPTED, "a table record of the wrong size") - 1;
    *db = v.mv_data;
    return 1;
}

JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_tableRoot(JNIEnv *e, jclass c, jlong txn,
        jbyteArray name, jlongArray out) {
    (void) c;
    const uint8_t *db;
    if (table_record(e, txn, name, &db) != 1) return JNI_FALSE;
    jlong r[2];
    r[0] = (jlong) rd64(db + DB_ROOT_AT);
    r[1] = (jlong) rd16(db + DB_DEPTH_AT);
    (*e)->SetLongArrayRegion(e, out, 0, 2, r);
    return JNI_TRUE;
}

/*
 * The free pages of the snapshot txn reads, as a bitmap (bit p of word p / 64): every page number
 * LMDB's free list holds, pages no longer in that snapshot's tree (older readers may still see
 * them). Null when an entry of the list is not a well-formed page list.
 */
JNIEXPORT jlongArray JNICALL Java_org_hammer_core_lmdb_Native_freePages(JNIEnv *e, jclass c, jlong txn) {
    (void) c;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(PTR(txn), 0, &cur);
    if (rc) {
        fail(e, rc, NULL);
        return NULL;
    }
    MDB_val k, v;
    size_t max = 0;
    int bad = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, 0 /* MDB_FIRST */); rc == 0; rc = mdb_cursor_get(cur, &k, &v, 8 /* MDB_NEXT */)) {
        size_t n;
        if (v.mv_size < sizeof n) { bad = 1; break; }
        memcpy(&n, v.mv_data, sizeof n);
        if (n > v.mv_size / sizeof n || v.mv_size != (n + 1) * sizeof n) { bad = 1; break; }
        for (size_t i = 1; i <= n; i++) {
            size_t p;
            memcpy(&p, (const char *) v.mv_data + i * sizeof p, sizeof p);
            if (p > max) max = p;
        }
    }
    if (rc != 0 && rc != MDB_NOTFOUND) {
        mdb_cursor_close(cur);
        fail(e, rc, NULL);
        return NULL;
    }
    if (bad || max / 64 >= (size_t) INT_MAX) {
        mdb_cursor_close(cur);
        return NULL;
    }
    jsize words = (jsize) (max / 64 + 1);
    jlongArray out = (*e)->NewLongArray(e, words);
    if (out == NULL) {
        mdb_cursor_close(cur);
        return NULL;
    }
    uint64_t *bits = (*e)->GetPrimitiveArrayCritical(e, out, NULL);
    if (bits == NULL) {
        mdb_cursor_close(cur);
        return NULL;
    }
    for (rc = mdb_cursor_get(cur, &k, &v, 0); rc == 0; rc = mdb_cursor_get(cur, &k, &v, 8)) {
        size_t n;
        memcpy(&n, v.mv_data, sizeof n);
        if (v.mv_size != (n + 1) * sizeof n) break;
        for (size_t i = 1; i <= n; i++) {
            size_t p;
            memcpy(&p, (const char *) v.mv_data + i * sizeof p, sizeof p);
            if (p <= max) bits[p / 64] |= (uint64_t) 1 << (p % 64);
        }
    }
    (*e)->ReleasePrimitiveArrayCritical(e, out, bits, 0);
    mdb_cursor_close(cur);
    return out;
}

/*
 * Walks from page root (depth levels) toward key, as LMDB's search does, in the map at base whose
 * data file is length bytes long. leaf >= 0: the search must end on that page (the page the
 * entry asked about lies on). Reads only pages inside the file; returns a PATH_ result.
 */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_checkPath(JNIEnv *e, jclass c, jlong base, jlong length,
        jint pageSize, jlong root, jint depth, jlong keyAddress, jint keyLength, jlong leaf, jint tableKeySize,
        jlong pathAddress) {
    (void) e; (void) c;
    uint64_t *path = PTR(pathAddress); /* path[0] = pages walked, path[1..] their numbers */
    path[0] = 0;
    const uint8_t *key = PTR(keyAddress);
    size_t klen = (size_t) keyLength;
    unsigned psize = (unsigned) pageSize;
    uint64_t pages = (uint64_t) length / psize;
    const uint8_t *lo = NULL, *hi = NULL;
    size_t lolen = 0, hilen = 0; /* set with lo and hi */
    uint64_t pgno = (uint64_t) root;
    if (depth < 1 || depth > MAX_DEPTH) return PATH_KIND;
    for (int level = 1; ; level++) {
        if (pgno < 2 || pgno > (uint64_t) INT64_MAX / psize) return PATH_PAGE;
        if (pgno >= pages) return PATH_BEYOND;
        path[0] = (uint64_t) level;
        path[level] = pgno;
        const uint8_t *p = (const uint8_t *) PTR(base) + pgno * psize;
        struct shape sh;
        int rc = page_shape(p, pgno, psize, level, depth, &sh);
        if (rc) return rc;
        int isLeaf = sh.isLeaf;
        unsigned upper = sh.upper, n = sh.n, first = sh.first;
        size_t flen = 0, llen = 0;
        const uint8_t *fk = node_key(p, psize, upper, first, &flen);
        const uint8_t *lk = node_key(p, psize, upper, n - 1, &llen);
        if (fk == NULL || lk == NULL) return PATH_LAYOUT;
        if (tableKeySize > 0 && (flen != (size_t) tableKeySize || llen != (size_t) tableKeySize)) return PATH_KEY;
        if ((lo != NULL && keycmp(fk, flen, lo, lolen) < 0) || (hi != NULL && keycmp(lk, llen, hi, hilen) >= 0)) {
            return PATH_RANGE;
        }
        if (isLeaf) {
            return leaf >= 0 && (uint64_t) leaf != pgno ? PATH_LEAF : PATH_OK;
        }
        /* The child LMDB descends into: the last node whose key is at most key (node 0 has none). */
        unsigned at = 0, a = 1, b = n - 1;
        while (a <= b) {
            unsigned mid = a + (b - a) / 2;
            size_t mlen;
            const uint8_t *mk = node_key(p, psize, upper, mid, &mlen);
            if (mk == NULL) return PATH_LAYOUT;
            if (keycmp(mk, mlen, key, klen) <= 0) {
                at = mid;
                a = mid + 1;
            } else {
                b = mid - 1;
            }
        }
        if (at > 0) {
            lo = node_key(p, psize, upper, at, &lolen);
        }
        if (at + 1 < n) {
            hi = node_key(p, psize, upper, at + 1, &hilen);
            if (hi == NULL) return PATH_LAYOUT;
        }
        const uint8_t *node = p + rd16(p + PAGE_HEADER + 2 * at);
        if ((const uint8_t *) node < p + upper || node + NODE_HEADER > p + psize) return PATH_LAYOUT;
        pgno = (uint64_t) rd16(node) | ((uint64_t) rd16(node + 2) << 16) | ((uint64_t) rd16(node + 4) << 32);
    }
}

/* ---- a whole table's pages, for scrub ---- */

#define F_BIGDATA 0x01
#define PATH_TWICE 8       /* a page reached twice (from two parents, or from two tables) */
#define PATH_ORDER 9       /* a page's keys out of order */
#define PATH_COUNT 10      /* the table's page or entry counts differ from its record's */

struct walk {
    const uint8_t *base;
    uint64_t pages;
    unsigned psize;
    size_t keySize;
    const uint64_t *free;
    uint64_t freeWords;
    uint64_t *seen;
    uint64_t branch, leaf, overflow, entries;
    uint64_t at; /* the page a failure was found on */
};

static int bit(const uint64_t *bits, uint64_t words, uint64_t p) {
    return p / 64 < words && (bits[p / 64] >> (p % 64)) & 1;
}

/* Marks page p seen; false when it was already. */
static int see(struct walk *w, uint64_t p) {
    if (bit(w->seen, (w->pages + 63) / 64, p)) return 0;
    w->seen[p / 64] |= (uint64_t) 1 << (p % 64);
    return 1;
}

/* A page number that may be read: in the file, not a meta page, not free, not seen before. */
static int usable(struct walk *w, uint64_t p) {
    if (p < 2 || p >= w->pages) return PATH_PAGE;
    if (bit(w->free, w->freeWords, p)) return PATH_FREE;
    if (!see(w, p)) return PATH_TWICE;
    return PATH_OK;
}

static int walk_page(struct walk *w, uint64_t pgno, int level, int depth, const uint8_t *lo, size_t lolen,
        const uint8_t *hi, size_t hilen) {
    w->at = pgno;
    int rc = usable(w, pgno);
    if (rc) return rc;
    const uint8_t *p = w->base + pgno * w->psize;
    struct shape sh;
    rc = page_shape(p, pgno, w->psize, level, depth, &sh);
    if (rc) return rc;
    int isLeaf = sh.isLeaf;
    unsigned upper = sh.upper, n = sh.n, first = sh.first;
    if (isLeaf) w->leaf++; else w->branch++;
    const uint8_t *prev = lo;
    size_t prevlen = lolen;
    for (unsigned i = first; i < n; i++) {
        size_t klen;
        const uint8_t *k = node_key(p, w->psize, upper, i, &klen);
        if (k == NULL) return PATH_LAYOUT;
        if (w->keySize > 0 && klen != w->keySize) return PATH_KEY;
        if (prev != NULL && keycmp(k, klen, prev, prevlen) < (i == first ? 0 : 1)) {
            return i == first ? PATH_RANGE : PATH_ORDER;
        }
        prev = k;
        prevlen = klen;
    }
    if (hi != NULL && keycmp(prev, prevlen, hi, hilen) >= 0) return PATH_RANGE;
    if (isLeaf) {
        w->entries += n;
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *node = p + rd16(p + PAGE_HEADER + 2 * i);
            if (!(rd16(node + 4) & F_BIGDATA)) {
                uint32_t dsize = (uint32_t) rd16(node) | ((uint32_t) rd16(node + 2) << 16);
                if ((size_t) (node - p) + NODE_HEADER + rd16(node + 6) + dsize > w->psize) return PATH_LAYOUT;
                continue;
            }
            const uint8_t *d = node + NODE_HEADER + rd16(node + 6);
            if ((size_t) (d - p) + 8 > w->psize) return PATH_LAYOUT;
            uint64_t op = rd64(d);
            uint64_t size = (uint64_t) rd16(node) | ((uint64_t) rd16(node + 2) << 16);
            w->at = op;
            rc = usable(w, op);
            if (rc) return rc;
            const uint8_t *o = w->base + op * w->psize;
            uint32_t count;
            memcpy(&count, o + 12, sizeof count);
            if (rd64(o) != op || (rd16(o + 10) & (P_OVERFLOW | P_BRANCH | P_LEAF | P_META)) != P_OVERFLOW) return PATH_KIND;
            if (count == 0 || count > w->pages - op || (uint64_t) count * w->psize < size + PAGE_HEADER) return PATH_LAYOUT;
            for (uint32_t j = 1; j < count; j++) {
                w->at = op + j;
                if (bit(w->free, w->freeWords, op + j)) return PATH_FREE;
                if (!see(w, op + j)) return PATH_TWICE;
            }
            w->overflow += count;
        }
        return PATH_OK;
    }
    for (unsigned i = 0; i < n; i++) {
        size_t clolen = lolen, chilen = hilen;
        const uint8_t *clo = lo, *chi = hi;
        if (i > 0) clo = node_key(p, w->psize, upper, i, &clolen);
        if (i + 1 < n) chi = node_key(p, w->psize, upper, i + 1, &chilen);
        const uint8_t *node = p + rd16(p + PAGE_HEADER + 2 * i);
        if (node < p + upper || node + NODE_HEADER > p + w->psize) return PATH_LAYOUT;
        uint64_t child = (uint64_t) rd16(node) | ((uint64_t) rd16(node + 2) << 16) | ((uint64_t) rd16(node + 4) << 32);
        rc = walk_page(w, child, level + 1, depth, clo, clolen, chi, chilen);
        if (rc) return rc;
    }
    return PATH_OK;
}

/*
 * Walks every page of table `name` in the snapshot txn reads (map at base, file length bytes):
 * each branch and leaf page at its level, inside the range of keys its parent gives it, its keys
 * in order and of the table's size (tableKeySize > 0), no page on the free list (bitmap free) or
 * reached twice (bitmap seen, shared by the tables of one walk), and the page and entry counts
 * the table's record gives. out[0] = the page a failure was found on. Returns a PATH_ result.
 */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_walkTable(JNIEnv *e, jclass c, jlong txn, jbyteArray name,
        jlong base, jlong length, jint pageSize, jint tableKeySize, jlongArray free, jlongArray seen, jlongArray out) {
    (void) c;
    const uint8_t *db;
    if (table_record(e, txn, name, &db) != 1) {
        return PATH_OK; /* not committed: nothing to walk (or LMDB's failure, thrown) */
    }
    uint64_t root = rd64(db + DB_ROOT_AT);
    unsigned depth = rd16(db + DB_DEPTH_AT);
    struct walk w;
    memset(&w, 0, sizeof w);
    w.base = PTR(base);
    w.psize = (unsigned) pageSize;
    w.pages = (uint64_t) length / w.psize;
    w.keySize = tableKeySize > 0 ? (size_t) tableKeySize : 0;
    w.freeWords = (uint64_t) (*e)->GetArrayLength(e, free);
    if ((uint64_t) (*e)->GetArrayLength(e, seen) < (w.pages + 63) / 64) return PATH_PAGE;
    int rc = PATH_OK;
    if (root != (uint64_t) -1) {
        if (depth < 1 || depth > MAX_DEPTH) {
            rc = PATH_KIND;
        } else {
            w.free = (*e)->GetPrimitiveArrayCritical(e, free, NULL);
            w.seen = (*e)->GetPrimitiveArrayCritical(e, seen, NULL);
            if (w.free != NULL && w.seen != NULL) {
                rc = walk_page(&w, root, 1, (int) depth, NULL, 0, NULL, 0);
            }
            if (w.seen != NULL) (*e)->ReleasePrimitiveArrayCritical(e, seen, w.seen, 0);
            if (w.free != NULL) (*e)->ReleasePrimitiveArrayCritical(e, free, (void *) w.free, JNI_ABORT);
        }
    }
    if (rc == PATH_OK && (w.branch != rd64(db + 8) || w.leaf != rd64(db + 16) || w.overflow != rd64(db + 24)
            || w.entries != rd64(db + 32))) {
        rc = PATH_COUNT;
        w.at = 0;
    }
    jlong at = (jlong) w.at;
    (*e)->SetLongArrayRegion(e, out, 0, 1, &at);
    return rc;
}

/* ---- system calls ---- */

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_fallocate(JNIEnv *e, jclass c, jstring path, jlong offset,
        jlong length) {
    (void) c;
    const char *p = (*e)->GetStringUTFChars(e, path, NULL);
    if (p == NULL) return -1;
    int fd = open(p, O_WRONLY | O_CLOEXEC);
    (*e)->ReleaseStringUTFChars(e, path, p);
    if (fd < 0) return errno;
    int rc = fallocate(fd, 0, (off_t) offset, (off_t) length) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

JNIEXPORT jobject JNICALL Java_org_hammer_core_lmdb_Native_fileDescriptor(JNIEnv *e, jclass c, jint fd) {
    (void) c;
    jobject d = (*e)->NewObject(e, fdClass, fdInit);
    if (d != NULL) {
        (*e)->SetIntField(e, d, fdField, fd);
    }
    return d;
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void) context;
    JNIEnv *e;
    if (vm != NULL && (*vm)->GetEnv(vm, (void **) &e, version()) == JNI_OK) {
        (*e)->ExceptionClear(e);
        (*e)->CallStaticVoidMethod(e, nativeClass, faulted, (jint) sig, HANDLE(info->si_addr));
    }
    /*
     * Not a Java thread, or the handler returned: returning would fault again at once (the JVM
     * counts a chained handler's return as handled), so the process ends as a crash would.
     */
    abort();
}

/*
 * Chains on_fault behind the JVM's own handlers for SIGSEGV and SIGBUS. Only when the JVM runs
 * with its signal-chaining library preloaded (the caller checks): sigaction then resolves to
 * libjsig's, which keeps the JVM's handler first; libc's own would replace it.
 */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_chainFaultHandler(JNIEnv *e, jclass c) {
    (void) e; (void) c;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    /* The JVM's own uses of SIGSEGV inside the Java handler must reach the JVM: not blocked. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0) {
        return errno;
    }
    return 0;
}

/* ---- Large values read past the page cache ----
 *
 * A value that is not in the page cache (a cold sequential read of a large file) is read from the
 * data file with O_DIRECT into the caller's aligned buffer instead of faulted in through the map:
 * a read through the map fills the page cache with the store's copy of the data, and the reader of
 * the mount fills its own, through the environment's read twin (twin_fd). The kernel keeps the two
 * coherent: a direct read first writes back any dirty cached page of its range. */

/* madvise(2) of the map's [address, address + length) with advice 0 (MADV_NORMAL: a fault reads
 * around it again), 1 (MADV_RANDOM: a fault reads its page alone) or 3 (MADV_WILLNEED: read into the
 * page cache now, without waiting): 0, else -errno. */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_advise(JNIEnv *e, jclass c, jlong address, jlong length,
        jint advice) {
    (void) e;
    (void) c;
    if (advice != MADV_NORMAL && advice != MADV_RANDOM && advice != MADV_WILLNEED) return -EINVAL;
    return madvise((void *) (uintptr_t) address, (size_t) length, advice) == 0 ? 0 : -errno;
}

/* length bytes of anonymous memory starting at a multiple of align (a power of two), advised
 * MADV_HUGEPAGE before anything touches it, as a direct buffer: untouched, it costs nothing until
 * used, and each huge page is then faulted in and zeroed by the kernel in one step (a buffer the
 * JVM allocates is zeroed at once, a small page at a time, before it can be advised). NULL when
 * the memory cannot be had. The advice is only advice: where the kernel declines it, the memory
 * is small pages, as good as any. Freed by unmap. */
JNIEXPORT jobject JNICALL Java_org_hammer_core_lmdb_Native_mapHuge(JNIEnv *e, jclass c, jlong length, jlong align) {
    (void) c;
    size_t len = (size_t) length, al = (size_t) align;
    char *p = mmap(NULL, len + al, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t start = ((uintptr_t) p + al - 1) & ~(uintptr_t) (al - 1);
    if (start > (uintptr_t) p) munmap(p, start - (uintptr_t) p);
    uintptr_t end = (uintptr_t) p + len + al;
    if (end > start + len) munmap((void *) (start + len), end - (start + len));
    (void) madvise((void *) start, len, MADV_HUGEPAGE);
    jobject b = (*e)->NewDirectByteBuffer(e, (void *) start, (jlong) len);
    if (b == NULL) {
        (*e)->ExceptionClear(e);
        munmap((void *) start, len);
    }
    return b;
}

/* Frees memory mapHuge gave: 0, else -errno. */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_unmap(JNIEnv *e, jclass c, jlong address, jlong length) {
    (void) e;
    (void) c;
    return munmap((void *) (uintptr_t) address, (size_t) length) == 0 ? 0 : -errno;
}

/* Asks the kernel to read, without waiting, the page of the map holding the first byte at each of
 * the first n addresses (MADV_WILLNEED of one page each, nothing around it): the count asked for,
 * else -errno of the first refusal. */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_willNeed(JNIEnv *e, jclass c, jlongArray addresses, jint n) {
    (void) c;
    jlong *a = (*e)->GetLongArrayElements(e, addresses, NULL);
    if (a == NULL) return -ENOMEM;
    jint done = 0;
    for (; done < n; done++) {
        if (madvise((void *) ((uintptr_t) a[done] & ~(uintptr_t) 4095), 4096, MADV_WILLNEED) != 0) {
            done = -errno;
            break;
        }
    }
    (*e)->ReleaseLongArrayElements(e, addresses, a, JNI_ABORT);
    return done;
}

/* LMDB's descriptor of env's data file (*fd) and dst's memory (*p) for a read of length bytes into it:
 * 0, else -errno. */
static jint data_file_read(JNIEnv *e, jlong env, jobject dst, jint length, int *fd, char **p) {
    if (mdb_env_get_fd(PTR(env), fd) != 0) return -EBADF;
    *p = (*e)->GetDirectBufferAddress(e, dst);
    if (*p == NULL || length < 0 || (*e)->GetDirectBufferCapacity(e, dst) < length) return -EINVAL;
    return 0;
}

/* pread(2) of length bytes at offset until all are read or the file ends: the count, else -errno. */
static jint pread_all(int fd, char *p, jint length, jlong offset) {
    jint done = 0;
    while (done < length) {
        ssize_t n = pread(fd, p + done, (size_t) (length - done), (off_t) offset + done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (n == 0) break;
        done += (jint) n;
    }
    return done;
}

/* Reads length bytes at offset of env's data file into dst (from its start) through the page cache,
 * with pread on LMDB's own descriptor (no page of the map touched): the count read (less at the end
 * of the file), else -errno. */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_readCached(JNIEnv *e, jclass c, jlong env, jlong offset,
        jint length, jobject dst) {
    (void) c;
    int fd;
    char *p;
    jint bad = data_file_read(e, env, dst, length, &fd, &p);
    return bad != 0 ? bad : pread_all(fd, p, length, offset);
}

/* 1 when every page of [address, address + length) is in the page cache, 0 when one is not, else -errno. */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_resident(JNIEnv *e, jclass c, jlong address, jlong length) {
    (void) e;
    (void) c;
    const uintptr_t ps = 4096;
    uintptr_t start = (uintptr_t) address & ~(ps - 1);
    uintptr_t end = (uintptr_t) address + (uintptr_t) length;
    unsigned char vec[64];
    while (start < end) {
        size_t len = end - start > 64 * ps ? 64 * ps : end - start;
        if (mincore((void *) start, len, vec) != 0) return -errno;
        for (size_t i = 0; i < (len + ps - 1) / ps; i++) {
            if (!(vec[i] & 1)) return 0;
        }
        start += len;
    }
    return 1;
}

/* Reads length bytes at offset of env's data file into dst (offset, length and dst's address multiples
 * of 4096) with O_DIRECT: the count read (less at the end of the file), else -errno (-EOPNOTSUPP when
 * there is no O_DIRECT twin). */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_readDirect(JNIEnv *e, jclass c, jlong env, jlong offset,
        jint length, jobject dst) {
    (void) c;
    int fd;
    char *p;
    jint bad = data_file_read(e, env, dst, length, &fd, &p);
    if (bad != 0) return bad;
    if (((uintptr_t) p & 4095) || (offset & 4095) || (length & 4095)) return -EINVAL;
    int rfd = twin_fd(fd, 1);
    if (rfd < 0) return -EOPNOTSUPP;
    return pread_all(rfd, p, length, offset);
}

/* ---- FUSE over io_uring (Linux 6.14 on; the fuse module's enable_uring parameter) ----
 *
 * A serving thread owns one io_uring with 128-byte submission entries and one entry of the FUSE
 * queue of CPU qid: two buffers it registered with FUSE_IO_URING_CMD_REGISTER, a header (the
 * fuse_in_header or fuse_out_header, the operation's first argument, and a fuse_uring_ent_in_out)
 * and a payload (the rest of a request, the arguments of a reply). ring_next submits the command
 * (register, or commit the reply now in the buffers and fetch the next request) and waits for its
 * completion: 0 when a request is in the buffers, else the negative errno (-ENOTCONN once the
 * connection is gone). The thread is bound to CPU qid, where the kernel queues that CPU's
 * callers' requests. */

struct fuse_ring {
    int fd;
    int dev;
    int qid;
    void *sq_map;
    size_t sq_map_len;
    void *sqes;
    size_t sqes_len;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_cqe *cqes;
    struct iovec iov[2];
};

/* struct fuse_uring_cmd_req of the kernel's fuse.h (7.42): in the 80 bytes of command data. */
struct fuse_ring_cmd {
    uint64_t flags;
    uint64_t commit_id;
    uint16_t qid;
    uint8_t padding[6];
};

/* An io_uring of 2 entries of 128 bytes (and 4 completions), as the FUSE commands need: its descriptor, else -1.
 * Its thread alone submits to it (SINGLE_ISSUER), and the kernel's work that hands it a request runs
 * when that thread waits in io_uring_enter (DEFER_TASKRUN), woken directly rather than signalled
 * out of its wait: the threads never leave their ring but to answer. */
static int ring_setup(struct io_uring_params *p) {
    memset(p, 0, sizeof *p);
    p->flags = IORING_SETUP_SQE128 | IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    p->cq_entries = 4;
    return (int) syscall(__NR_io_uring_setup, 2, p);
}

JNIEXPORT jlong JNICALL Java_org_hammer_cli_fuse_kernel_Ring_open(JNIEnv *e, jclass c, jint dev, jint qid,
        jboolean bind, jobject header, jobject payload) {
    (void) c;
    struct fuse_ring *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return -ENOMEM;
    }
    if (bind) {
        cpu_set_t cpus;
        CPU_ZERO(&cpus);
        CPU_SET(qid, &cpus);
        (void) sched_setaffinity(0, sizeof cpus, &cpus); /* only where the requests come from; not needed */
    }
    struct io_uring_params p;
    r->fd = ring_setup(&p);
    if (r->fd < 0) {
        int err = errno;
        free(r);
        return -err;
    }
    r->dev = dev;
    r->qid = qid;
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    r->sq_map_len = sq_len > cq_len ? sq_len : cq_len;
    r->sq_map = mmap(NULL, r->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
            IORING_OFF_SQ_RING);
    r->sqes_len = (size_t) p.sq_entries * 128;
    r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
    if (r->sq_map == MAP_FAILED || r->sqes == MAP_FAILED || !(p.features & IORING_FEAT_SINGLE_MMAP)) {
        int err = r->sq_map == MAP_FAILED || r->sqes == MAP_FAILED ? errno : ENOSYS;
        if (r->sq_map != MAP_FAILED) {
            munmap(r->sq_map, r->sq_map_len);
        }
        if (r->sqes != MAP_FAILED) {
            munmap(r->sqes, r->sqes_len);
        }
        close(r->fd);
        free(r);
        return -err;
    }
    char *m = r->sq_map;
    r->sq_head = (unsigned *) (m + p.sq_off.head);
    r->sq_tail = (unsigned *) (m + p.sq_off.tail);
    r->sq_mask = (unsigned *) (m + p.sq_off.ring_mask);
    r->sq_array = (unsigned *) (m + p.sq_off.array);
    r->cq_head = (unsigned *) (m + p.cq_off.head);
    r->cq_tail = (unsigned *) (m + p.cq_off.tail);
    r->cq_mask = (unsigned *) (m + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (m + p.cq_off.cqes);
    r->iov[0].iov_base = (*e)->GetDirectBufferAddress(e, header);
    r->iov[0].iov_len = (size_t) (*e)->GetDirectBufferCapacity(e, header);
    r->iov[1].iov_base = (*e)->GetDirectBufferAddress(e, payload);
    r->iov[1].iov_len = (size_t) (*e)->GetDirectBufferCapacity(e, payload);
    return (jlong) (intptr_t) r;
}

/* Whether this process may set up an io_uring with 128-byte entries: 0, else the negative errno. */
JNIEXPORT jint JNICALL Java_org_hammer_cli_fuse_kernel_Ring_probe(JNIEnv *e, jclass c) {
    (void) e;
    (void) c;
    struct io_uring_params p;
    int fd = ring_setup(&p);
    if (fd < 0) {
        return -errno;
    }
    close(fd);
    return 0;
}

JNIEXPORT jint JNICALL Java_org_hammer_cli_fuse_kernel_Ring_next(JNIEnv *e, jclass c, jlong ring, jint cmd,
        jlong commitId) {
    (void) e;
    (void) c;
    struct fuse_ring *r = (struct fuse_ring *) (intptr_t) ring;
    unsigned tail = *r->sq_tail;
    unsigned i = tail & *r->sq_mask;
    struct io_uring_sqe *sqe = (struct io_uring_sqe *) ((char *) r->sqes + (size_t) i * 128);
    memset(sqe, 0, 128);
    sqe->opcode = IORING_OP_URING_CMD;
    sqe->fd = r->dev;
    sqe->cmd_op = (uint32_t) cmd;
    sqe->addr = (uint64_t) (uintptr_t) r->iov;
    sqe->len = 2;
    sqe->user_data = 1;
    struct fuse_ring_cmd *rc = (struct fuse_ring_cmd *) sqe->cmd;
    rc->commit_id = (uint64_t) commitId;
    rc->qid = (uint16_t) r->qid;
    r->sq_array[i] = i;
    __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
    for (;;) {
        unsigned head = *r->cq_head;
        if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
            int res = r->cqes[head & *r->cq_mask].res;
            __atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
            return res;
        }
        unsigned pending = __atomic_load_n(r->sq_tail, __ATOMIC_RELAXED) - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
        if (syscall(__NR_io_uring_enter, r->fd, pending, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0 && errno != EINTR) {
            return -errno;
        }
    }
}

JNIEXPORT void JNICALL Java_org_hammer_cli_fuse_kernel_Ring_close(JNIEnv *e, jclass c, jlong ring) {
    (void) e;
    (void) c;
    struct fuse_ring *r = (struct fuse_ring *) (intptr_t) ring;
    munmap(r->sqes, r->sqes_len);
    munmap(r->sq_map, r->sq_map_len);
    close(r->fd);
    free(r);
}
