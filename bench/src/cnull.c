/*
 * cnull MOUNTPOINT [ARENA_MIB]: the no-work file system of bench/src/org/hammer/bench/NullFs.java
 * again, in C on libfuse3's low-level interface and its own reader threads on /dev/fuse: the same
 * answers where they decide which requests the kernel sends (names, absences and attributes kept
 * for a minute, a file opened to write alone past the page cache, no FLUSH for a file opened to
 * read alone, no OPENDIR, 1 MiB writes, the 4 MiB readahead the bench sets), and no JVM. Beside
 * NullFs it says how much of the floor is the kernel's transport and how much is the JVM's side
 * of it (bench/fuse-backends' side cnull).
 *
 * Everything it holds is in memory and gone when it is unmounted. Its data comes from an arena of
 * ARENA_MIB (default 3328) mapped and touched before it mounts, in size classes from 64 bytes to
 * 1 MiB with a free list each, so that neither malloc nor a page's first touch is what it measures
 * (as NullFs runs with its heap touched in advance). One lock for the whole tree: reads share it.
 *
 * Build: cc -O2 -Wall -o cnull cnull.c $(pkg-config --cflags --libs fuse3)   (libfuse3-dev)
 */
#define FUSE_USE_VERSION 35
#define _GNU_SOURCE
#include <fuse_lowlevel.h>

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KEEP 60.0
#define CHUNK (1u << 20)
#define CLASSES 15 /* 64 B << 0 .. 14: 64 B to 1 MiB */
#define BUCKETS (1u << 18)

/* ---- the arena: size classes from 64 B to 1 MiB, each with a free list ---- */

static char *arena, *arena_end, *arena_next;
static void *free_list[CLASSES];

static int class_of(size_t n)
{
    int c = 0;
    while (((size_t)64 << c) < n)
        c++;
    return c;
}

static void *take(int c)
{
    size_t n = (size_t)64 << c;
    if (free_list[c]) {
        void *p = free_list[c];
        free_list[c] = *(void **)p;
        return p;
    }
    if (arena_next + n > arena_end)
        return NULL;
    void *p = arena_next;
    arena_next += n;
    return p;
}

static void give(void *p, int c)
{
    *(void **)p = free_list[c];
    free_list[c] = p;
}

/* ---- nodes and names ---- */

struct chunk {
    char *data; /* NULL: never written, reads as zeros */
    int cls;    /* its size class: holds 64 << cls bytes */
};

struct node {
    struct stat st;
    int opens;
    struct chunk *chunks;
    size_t nchunks;
    struct name **children; /* a directory's names, by slot (readdir's offsets); NULL where one was removed */
    size_t nchildren, cap;
    char *link;           /* a symbolic link's target */
    struct xattr *xattrs; /* extended attributes, a list */
};

struct xattr {
    struct xattr *next;
    size_t size;
    char *value;
    char name[];
};

struct name {
    uint64_t parent, ino;
    size_t slot; /* its place in the parent's children */
    struct name *next;
    char text[];
};

static struct node **nodes;
static size_t nnodes, capnodes;
static struct name *buckets[BUCKETS];
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static uint32_t hash(uint64_t parent, const char *s)
{
    uint32_t h = 2166136261u ^ (uint32_t)parent;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & (BUCKETS - 1);
}

static struct name **find(uint64_t parent, const char *text)
{
    struct name **p = &buckets[hash(parent, text)];
    for (; *p; p = &(*p)->next)
        if ((*p)->parent == parent && strcmp((*p)->text, text) == 0)
            return p;
    return p;
}

static struct timespec now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t;
}

static struct node *node(uint64_t ino)
{
    return ino < nnodes ? nodes[ino] : NULL;
}

static struct node *make_node(mode_t mode, uid_t uid, gid_t gid)
{
    if (nnodes == capnodes) {
        capnodes = capnodes ? capnodes * 2 : 1024;
        nodes = realloc(nodes, capnodes * sizeof *nodes);
    }
    struct node *n = calloc(1, sizeof *n);
    n->st.st_ino = nnodes;
    n->st.st_mode = mode;
    n->st.st_nlink = S_ISDIR(mode) ? 2 : 1;
    n->st.st_uid = uid;
    n->st.st_gid = gid;
    n->st.st_blksize = 4096;
    n->st.st_atim = n->st.st_mtim = n->st.st_ctim = now();
    nodes[nnodes++] = n;
    return n;
}

static void add_name(struct node *dir, const char *text, uint64_t ino)
{
    if (dir->nchildren == dir->cap) {
        dir->cap = dir->cap ? dir->cap * 2 : 16;
        dir->children = realloc(dir->children, dir->cap * sizeof *dir->children);
    }
    size_t len = strlen(text);
    struct name *m = malloc(sizeof *m + len + 1);
    m->parent = dir->st.st_ino;
    m->ino = ino;
    m->slot = dir->nchildren;
    memcpy(m->text, text, len + 1);
    struct name **p = &buckets[hash(m->parent, text)];
    m->next = *p;
    *p = m;
    dir->children[dir->nchildren++] = m;
}

static void remove_name(struct node *dir, struct name **p)
{
    struct name *m = *p;
    dir->children[m->slot] = NULL;
    *p = m->next;
    free(m);
}

static int is_empty(struct node *dir)
{
    for (size_t i = 0; i < dir->nchildren; i++)
        if (dir->children[i])
            return 0;
    return 1;
}

static void resize(struct node *n, off_t size)
{
    if (size < n->st.st_size) {
        size_t keep = (size + CHUNK - 1) / CHUNK;
        for (size_t i = keep; i < n->nchunks; i++)
            if (n->chunks[i].data) {
                give(n->chunks[i].data, n->chunks[i].cls);
                n->chunks[i].data = NULL;
            }
        if (n->nchunks > keep)
            n->nchunks = keep;
        size_t in = size % CHUNK;
        if (in && keep && keep <= n->nchunks && n->chunks[keep - 1].data) {
            struct chunk *c = &n->chunks[keep - 1];
            size_t have = (size_t)64 << c->cls;
            if (in < have)
                memset(c->data + in, 0, have - in);
        }
    }
    n->st.st_size = size;
    n->st.st_blocks = (size + 511) / 512;
}

/* A file without names or open handles gives its bytes up; the node stays for the kernel's sake. */
static void drop_if_gone(struct node *n)
{
    if (n->st.st_nlink == 0 && n->opens <= 0 && !S_ISDIR(n->st.st_mode))
        resize(n, 0);
}

static int write_at(struct node *n, const char *buf, size_t len, off_t off)
{
    for (size_t done = 0; done < len;) {
        off_t o = off + done;
        size_t k = o / CHUNK, in = o % CHUNK, part = len - done < CHUNK - in ? len - done : CHUNK - in;
        if (k >= n->nchunks) {
            n->chunks = realloc(n->chunks, (k + 1) * sizeof *n->chunks);
            memset(n->chunks + n->nchunks, 0, (k + 1 - n->nchunks) * sizeof *n->chunks);
            n->nchunks = k + 1;
        }
        struct chunk *c = &n->chunks[k];
        if (!c->data || ((size_t)64 << c->cls) < in + part) {
            int cls = class_of(in + part);
            char *grown = take(cls);
            if (!grown)
                return ENOSPC;
            size_t had = c->data ? (size_t)64 << c->cls : 0;
            if (had)
                memcpy(grown, c->data, had);
            memset(grown + had, 0, ((size_t)64 << cls) - had);
            if (c->data)
                give(c->data, c->cls);
            c->data = grown;
            c->cls = cls;
        }
        memcpy(c->data + in, buf + done, part);
        done += part;
    }
    if (off + (off_t)len > n->st.st_size)
        resize(n, off + len);
    return 0;
}

/* ---- replies ---- */

static void entry_of(struct node *n, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof *e);
    e->ino = n->st.st_ino;
    e->attr = n->st;
    e->attr_timeout = KEEP;
    e->entry_timeout = KEEP;
}

static void open_flags(struct fuse_file_info *fi)
{
    int access = fi->flags & O_ACCMODE;
    fi->direct_io = access == O_WRONLY; /* as the mount: past the page cache when opened to write alone */
    fi->noflush = access == O_RDONLY;   /* and no FLUSH when opened to read alone */
    fi->fh = 0;
}

/* ---- operations ---- */

static void op_init(void *data, struct fuse_conn_info *conn)
{
    (void)data;
    conn->want = (FUSE_CAP_ASYNC_READ | FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_AUTO_INVAL_DATA | FUSE_CAP_READDIRPLUS
                  | FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_PARALLEL_DIROPS | FUSE_CAP_NO_OPENDIR_SUPPORT)
                 & conn->capable;
    conn->max_write = CHUNK;
    conn->max_readahead = 4u << 20;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *text)
{
    struct fuse_entry_param e;
    pthread_rwlock_rdlock(&lock);
    struct name *m = *find(parent, text);
    if (m) {
        entry_of(node(m->ino), &e);
    } else {
        memset(&e, 0, sizeof e); /* ino 0: the kernel keeps the name's absence */
        e.entry_timeout = KEEP;
    }
    pthread_rwlock_unlock(&lock);
    fuse_reply_entry(req, &e);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    pthread_rwlock_rdlock(&lock);
    struct node *n = node(ino);
    struct stat st;
    if (n)
        st = n->st;
    pthread_rwlock_unlock(&lock);
    if (n)
        fuse_reply_attr(req, &st, KEEP);
    else
        fuse_reply_err(req, ENOENT);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *a, int to_set, struct fuse_file_info *fi)
{
    (void)fi;
    struct timespec t = now();
    pthread_rwlock_wrlock(&lock);
    struct node *n = node(ino);
    if (to_set & FUSE_SET_ATTR_MODE)
        n->st.st_mode = (n->st.st_mode & S_IFMT) | (a->st_mode & 07777);
    if (to_set & FUSE_SET_ATTR_UID)
        n->st.st_uid = a->st_uid;
    if (to_set & FUSE_SET_ATTR_GID)
        n->st.st_gid = a->st_gid;
    if (to_set & FUSE_SET_ATTR_SIZE) {
        resize(n, a->st_size);
        n->st.st_mtim = t;
    }
    if (to_set & FUSE_SET_ATTR_ATIME)
        n->st.st_atim = a->st_atim;
    if (to_set & FUSE_SET_ATTR_ATIME_NOW)
        n->st.st_atim = t;
    if (to_set & FUSE_SET_ATTR_MTIME)
        n->st.st_mtim = a->st_mtim;
    if (to_set & FUSE_SET_ATTR_MTIME_NOW)
        n->st.st_mtim = t;
    n->st.st_ctim = t;
    struct stat st = n->st;
    pthread_rwlock_unlock(&lock);
    fuse_reply_attr(req, &st, KEEP);
}

/* A new node named text in parent; NULL if the name is taken. */
static struct node *make(fuse_req_t req, fuse_ino_t parent, const char *text, mode_t mode)
{
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    struct node *dir = node(parent);
    if (*find(parent, text))
        return NULL;
    struct node *n = make_node(mode, ctx->uid, ctx->gid);
    add_name(dir, text, n->st.st_ino);
    if (S_ISDIR(mode))
        dir->st.st_nlink++;
    dir->st.st_mtim = dir->st.st_ctim = n->st.st_ctim;
    return n;
}

/* A new directory, special file or symbolic link, answered with its entry (EEXIST if the name is taken). */
static void reply_made(fuse_req_t req, fuse_ino_t parent, const char *text, mode_t mode, dev_t rdev, const char *target)
{
    struct fuse_entry_param e;
    pthread_rwlock_wrlock(&lock);
    struct node *n = make(req, parent, text, mode);
    if (n) {
        n->st.st_rdev = rdev;
        if (target) {
            n->link = strdup(target);
            n->st.st_size = strlen(target);
        }
        entry_of(n, &e);
    }
    pthread_rwlock_unlock(&lock);
    if (n)
        fuse_reply_entry(req, &e);
    else
        fuse_reply_err(req, EEXIST);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *text, mode_t mode)
{
    reply_made(req, parent, text, S_IFDIR | (mode & 07777), 0, NULL);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *text, mode_t mode, dev_t rdev)
{
    reply_made(req, parent, text, mode, rdev, NULL);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *text, mode_t mode, struct fuse_file_info *fi)
{
    struct fuse_entry_param e;
    pthread_rwlock_wrlock(&lock);
    struct node *n = make(req, parent, text, S_IFREG | (mode & 07777));
    if (n) {
        n->opens++;
        entry_of(n, &e);
    }
    pthread_rwlock_unlock(&lock);
    if (!n) {
        fuse_reply_err(req, EEXIST);
        return;
    }
    open_flags(fi);
    fuse_reply_create(req, &e, fi);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    pthread_rwlock_wrlock(&lock);
    struct node *n = node(ino);
    n->opens++;
    if ((fi->flags & O_TRUNC) && (fi->flags & O_ACCMODE)) {
        resize(n, 0);
        n->st.st_mtim = n->st.st_ctim = now();
    }
    pthread_rwlock_unlock(&lock);
    open_flags(fi);
    fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    pthread_rwlock_rdlock(&lock);
    struct node *n = node(ino);
    size_t count = off >= n->st.st_size ? 0 : (size_t)(n->st.st_size - off) < size ? (size_t)(n->st.st_size - off) : size;
    /* the pieces of the reply, as they lie in the chunks (zeros where nothing was written) */
    static const char zeros[CHUNK];
    struct fuse_bufvec *v = calloc(1, sizeof *v + (count / CHUNK + 2) * 2 * sizeof(struct fuse_buf));
    size_t k = 0;
    for (size_t done = 0; done < count;) {
        off_t o = off + done;
        size_t c = o / CHUNK, in = o % CHUNK, part = count - done < CHUNK - in ? count - done : CHUNK - in;
        struct chunk *ch = c < n->nchunks ? &n->chunks[c] : NULL;
        size_t have = ch && ch->data ? (size_t)64 << ch->cls : 0;
        have = have > in ? (have - in < part ? have - in : part) : 0;
        if (have) {
            v->buf[k].mem = ch->data + in;
            v->buf[k++].size = have;
        }
        if (have < part) {
            v->buf[k].mem = (void *)zeros;
            v->buf[k++].size = part - have;
        }
        done += part;
    }
    v->count = k;
    fuse_reply_data(req, v, FUSE_BUF_SPLICE_MOVE); /* copied into the device before the lock is let go */
    pthread_rwlock_unlock(&lock);
    free(v);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    pthread_rwlock_wrlock(&lock);
    struct node *n = node(ino);
    int err = write_at(n, buf, size, off);
    if (!err)
        n->st.st_mtim = n->st.st_ctim = now();
    pthread_rwlock_unlock(&lock);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_write(req, size);
}

static void op_ok(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    (void)fi;
    fuse_reply_err(req, 0);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    (void)ino;
    (void)datasync;
    (void)fi;
    fuse_reply_err(req, 0);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    pthread_rwlock_wrlock(&lock);
    struct node *n = node(ino);
    n->opens--;
    drop_if_gone(n);
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    (void)fi;
    fuse_reply_err(req, ENOSYS); /* with NO_OPENDIR_SUPPORT: no OPENDIR from then on */
}

static void readdir_any(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, int plus)
{
    char *buf = malloc(size);
    size_t used = 0;
    pthread_rwlock_rdlock(&lock);
    struct node *dir = node(ino);
    for (size_t k = off; k < dir->nchildren; k++) {
        struct name *m = dir->children[k];
        if (!m)
            continue;
        struct node *n = node(m->ino);
        size_t room = size - used, need;
        if (plus) {
            struct fuse_entry_param e;
            entry_of(n, &e);
            need = fuse_add_direntry_plus(req, buf + used, room, m->text, &e, k + 1);
        } else {
            need = fuse_add_direntry(req, buf + used, room, m->text, &n->st, k + 1);
        }
        if (need > room)
            break;
        used += need;
    }
    pthread_rwlock_unlock(&lock);
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    readdir_any(req, ino, size, off, 0);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    readdir_any(req, ino, size, off, 1);
}

/* One name fewer for n (a directory's two), its bytes given up if that was its last name and handle. */
static void unlinked(struct node *n)
{
    n->st.st_nlink -= S_ISDIR(n->st.st_mode) ? 2 : 1;
    n->st.st_ctim = now();
    drop_if_gone(n);
}

static void remove_any(fuse_req_t req, fuse_ino_t parent, const char *text, int is_dir)
{
    int err = 0;
    pthread_rwlock_wrlock(&lock);
    struct node *dir = node(parent);
    struct name **p = find(parent, text);
    if (!*p) {
        err = ENOENT;
    } else {
        struct node *n = node((*p)->ino);
        if (is_dir && !S_ISDIR(n->st.st_mode))
            err = ENOTDIR;
        else if (!is_dir && S_ISDIR(n->st.st_mode))
            err = EISDIR;
        else if (is_dir && !is_empty(n))
            err = ENOTEMPTY;
        else {
            remove_name(dir, p);
            if (is_dir)
                dir->st.st_nlink--;
            dir->st.st_mtim = dir->st.st_ctim = now();
            unlinked(n);
        }
    }
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, err);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *text)
{
    remove_any(req, parent, text, 0);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *text)
{
    remove_any(req, parent, text, 1);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *text)
{
    struct fuse_entry_param e;
    int err = 0;
    pthread_rwlock_wrlock(&lock);
    struct node *dir = node(parent), *n = node(ino);
    if (*find(parent, text)) {
        err = EEXIST;
    } else {
        add_name(dir, text, ino);
        n->st.st_nlink++;
        n->st.st_ctim = dir->st.st_mtim = dir->st.st_ctim = now();
        entry_of(n, &e);
    }
    pthread_rwlock_unlock(&lock);
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_entry(req, &e);
}

static void op_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *text)
{
    reply_made(req, parent, text, S_IFLNK | 0777, 0, target);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
    pthread_rwlock_rdlock(&lock);
    struct node *n = node(ino);
    char *target = n->link ? strdup(n->link) : NULL;
    pthread_rwlock_unlock(&lock);
    if (target)
        fuse_reply_readlink(req, target);
    else
        fuse_reply_err(req, EINVAL);
    free(target);
}

/* RENAME and RENAME2: over a name that is there (a file, or an empty directory) unless NOREPLACE. */
static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *text, fuse_ino_t newparent, const char *newtext,
                      unsigned int flags)
{
    int err = 0;
    if (flags & ~RENAME_NOREPLACE) {
        fuse_reply_err(req, EINVAL); /* RENAME_EXCHANGE, RENAME_WHITEOUT: not needed here */
        return;
    }
    pthread_rwlock_wrlock(&lock);
    struct node *from = node(parent), *to = node(newparent);
    struct name **p = find(parent, text), **q = find(newparent, newtext);
    if (!*p) {
        err = ENOENT;
    } else if (*q && (flags & RENAME_NOREPLACE)) {
        err = EEXIST;
    } else if (!(*q && (*q)->ino == (*p)->ino)) {
        struct node *n = node((*p)->ino);
        int is_dir = S_ISDIR(n->st.st_mode);
        if (*q) {
            struct node *old = node((*q)->ino);
            if (S_ISDIR(old->st.st_mode) && !is_empty(old)) {
                err = ENOTEMPTY;
                goto out;
            }
            if (S_ISDIR(old->st.st_mode))
                to->st.st_nlink--;
            remove_name(to, q);
            unlinked(old);
        }
        uint64_t ino = (*p)->ino;
        remove_name(from, find(parent, text)); /* found again: removing the old name may have moved it */
        add_name(to, newtext, ino);
        struct timespec t = now();
        if (is_dir) {
            from->st.st_nlink--;
            to->st.st_nlink++;
        }
        from->st.st_mtim = from->st.st_ctim = to->st.st_mtim = to->st.st_ctim = n->st.st_ctim = t;
    }
out:
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, err);
}

static struct xattr **find_xattr(struct node *n, const char *name)
{
    struct xattr **p = &n->xattrs;
    while (*p && strcmp((*p)->name, name) != 0)
        p = &(*p)->next;
    return p;
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags)
{
    int err = 0;
    pthread_rwlock_wrlock(&lock);
    struct node *n = node(ino);
    struct xattr **p = find_xattr(n, name);
    if (*p && (flags & 1 /* XATTR_CREATE */))
        err = EEXIST;
    else if (!*p && (flags & 2 /* XATTR_REPLACE */))
        err = ENODATA;
    else {
        if (!*p) {
            *p = calloc(1, sizeof **p + strlen(name) + 1);
            strcpy((*p)->name, name);
        }
        free((*p)->value);
        (*p)->value = malloc(size ? size : 1);
        memcpy((*p)->value, value, size);
        (*p)->size = size;
        n->st.st_ctim = now();
    }
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, err);
}

/* A value or name list as getxattr(2) asks for it: its size alone when size is 0; ERANGE when larger. */
static void answer(fuse_req_t req, const char *v, size_t len, size_t size)
{
    if (size == 0)
        fuse_reply_xattr(req, len);
    else if (len > size)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, v, len);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    pthread_rwlock_rdlock(&lock);
    struct xattr *x = *find_xattr(node(ino), name);
    if (x)
        answer(req, x->value, x->size, size);
    pthread_rwlock_unlock(&lock);
    if (!x)
        fuse_reply_err(req, ENODATA);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    char list[4096];
    size_t len = 0;
    pthread_rwlock_rdlock(&lock);
    for (struct xattr *x = node(ino)->xattrs; x; x = x->next) {
        size_t l = strlen(x->name) + 1;
        if (len + l <= sizeof list)
            memcpy(list + len, x->name, l);
        len += l;
    }
    pthread_rwlock_unlock(&lock);
    if (len > sizeof list)
        fuse_reply_err(req, E2BIG);
    else
        answer(req, list, len, size);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    int err = 0;
    pthread_rwlock_wrlock(&lock);
    struct xattr **p = find_xattr(node(ino), name), *x = *p;
    if (!x) {
        err = ENODATA;
    } else {
        *p = x->next;
        free(x->value);
        free(x);
    }
    pthread_rwlock_unlock(&lock);
    fuse_reply_err(req, err);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs s = {.f_bsize = 4096, .f_frsize = 4096, .f_blocks = 1ul << 30, .f_bfree = 1ul << 29,
                        .f_bavail = 1ul << 29, .f_files = 1ul << 24, .f_ffree = 1ul << 23, .f_namemax = 255};
    fuse_reply_statfs(req, &s);
}

static const struct fuse_lowlevel_ops ops = {
    .init = op_init,
    .lookup = op_lookup,
    .getattr = op_getattr,
    .setattr = op_setattr,
    .readlink = op_readlink,
    .mknod = op_mknod,
    .mkdir = op_mkdir,
    .unlink = op_unlink,
    .rmdir = op_rmdir,
    .symlink = op_symlink,
    .rename = op_rename,
    .link = op_link,
    .open = op_open,
    .read = op_read,
    .write = op_write,
    .flush = op_ok,
    .release = op_release,
    .fsync = op_fsync,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .statfs = op_statfs,
    .setxattr = op_setxattr,
    .getxattr = op_getxattr,
    .listxattr = op_listxattr,
    .removexattr = op_removexattr,
    .create = op_create,
    .readdirplus = op_readdirplus,
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: cnull MOUNTPOINT [ARENA_MIB]\n");
        return 2;
    }
    size_t mib = argc > 2 ? strtoul(argv[2], NULL, 10) : 3328;
    size_t bytes = mib << 20;
    arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED) {
        perror("cnull: arena");
        return 1;
    }
    madvise(arena, bytes, MADV_HUGEPAGE);
    for (size_t i = 0; i < bytes; i += 4096)
        arena[i] = 0; /* touched before it mounts, as NullFs's heap */
    arena_next = arena;
    arena_end = arena + bytes;

    make_node(0, 0, 0); /* number 0: no node */
    make_node(S_IFDIR | 0755, 0, 0);

    char *args[] = {argv[0], "-o", "allow_other,default_permissions,fsname=cnull,subtype=cnull", NULL};
    struct fuse_args fa = FUSE_ARGS_INIT(3, args);
    struct fuse_session *se = fuse_session_new(&fa, &ops, sizeof ops, NULL);
    if (!se || fuse_set_signal_handlers(se) != 0 || fuse_session_mount(se, argv[1]) != 0) {
        fprintf(stderr, "cnull: cannot mount %s\n", argv[1]);
        return 1;
    }
    struct fuse_loop_config cfg = {.clone_fd = 0, .max_idle_threads = 10};
    int rc = fuse_session_loop_mt(se, &cfg);
    fuse_session_unmount(se);
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return rc ? 1 : 0;
}
